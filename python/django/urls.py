"""django.urls' path() and re_path(), as far as Channels' URLRouter uses them."""

import re
import uuid


class Resolver404(Exception):
    pass


class _Converter:
    def __init__(self, regex, to_python=str):
        self.regex = regex
        self.to_python = to_python


CONVERTERS = {
    "str": _Converter("[^/]+"),
    "int": _Converter("[0-9]+", int),
    "slug": _Converter("[-a-zA-Z0-9_]+"),
    "uuid": _Converter("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", uuid.UUID),
    "path": _Converter(".+"),
}

_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


class RoutePattern:
    def __init__(self, route):
        self._route = route
        self._is_endpoint = True
        self.converters = {}

    @property
    def regex(self):
        # Built when first used: URLRouter marks nested routes as prefixes (not endpoints) after path() ran.
        parts, position = ["^"], 0
        for match in _PARAMETER.finditer(self._route):
            parts.append(re.escape(self._route[position : match.start()]))
            position = match.end()
            name, kind = match["parameter"], match["converter"] or "str"
            if not name.isidentifier():
                raise ValueError("URL route %r uses parameter name %r which isn't a valid Python identifier." % (self._route, name))
            if kind not in CONVERTERS:
                raise ValueError("URL route %r uses invalid converter %r." % (self._route, kind))
            self.converters[name] = CONVERTERS[kind]
            parts.append("(?P<%s>%s)" % (name, CONVERTERS[kind].regex))
        parts.append(re.escape(self._route[position:]))
        if self._is_endpoint:
            parts.append(r"\Z")
        return re.compile("".join(parts))

    def match(self, path):
        match = self.regex.search(path)
        if not match:
            return None
        kwargs = match.groupdict()
        for key, value in kwargs.items():
            try:
                kwargs[key] = self.converters[key].to_python(value)
            except ValueError:
                return None
        return path[match.end() :], (), kwargs

    def __str__(self):
        return self._route


class RegexPattern:
    def __init__(self, regex):
        self._regex = regex
        self._is_endpoint = True
        self.regex = re.compile(regex)

    def match(self, path):
        search = self.regex.fullmatch if self._is_endpoint and self._regex.endswith("$") else self.regex.search
        match = search(path)
        if not match:
            return None
        kwargs = match.groupdict()
        args = () if kwargs else match.groups()
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        return path[match.end() :], args, kwargs

    def __str__(self):
        return self._regex


class URLPattern:
    def __init__(self, pattern, callback, default_args=None, name=None):
        self.pattern = pattern
        self.callback = callback
        self.default_args = default_args or {}
        self.name = name

    def __repr__(self):
        return "<URLPattern '%s'>" % self.pattern


class ImproperlyConfigured(Exception):
    pass


def _route(pattern_class):
    def make(route, view, kwargs=None, name=None):
        if isinstance(view, type):
            # As in the TypeScript core: the most common Channels mistake, caught where it is made.
            raise ImproperlyConfigured(
                "%s(%r) is given the consumer class %s itself; mount %s.as_asgi() instead, which makes one consumer "
                "instance per connection." % (pattern_class.__name__ == "RoutePattern" and "path" or "re_path", route, view.__name__, view.__name__)
            )
        if not callable(view):
            raise TypeError("view must be a callable or a list/tuple in the case of include().")
        return URLPattern(pattern_class(route), view, kwargs, name)

    return make


path = _route(RoutePattern)
re_path = _route(RegexPattern)
