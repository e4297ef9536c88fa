from django.urls import Resolver404

from .exceptions import coded


class ProtocolTypeRouter:
    """Takes a mapping of protocol type names to other Application instances, and dispatches to the right one
    based on protocol name (or raises an error)."""

    def __init__(self, application_mapping):
        self.application_mapping = application_mapping

    async def __call__(self, scope, receive, send):
        if scope["type"] in self.application_mapping:
            application = self.application_mapping[scope["type"]]
            return await application(scope, receive, send)
        raise ValueError("No application configured for scope type %r" % scope["type"])


class URLRouter:
    """Routes to different applications/consumers based on the URL path, with django.urls' path() / re_path()."""

    _path_routing = True

    def __init__(self, routes):
        self.routes = routes
        for route in self.routes:
            if getattr(route.callback, "_path_routing", False) is True:
                route.pattern._is_endpoint = False

    async def __call__(self, scope, receive, send):
        path = scope.get("path_remaining", scope.get("path", None))
        if path is None:
            raise ValueError("No 'path' key in connection scope, cannot route URLs")
        path = path.lstrip("/")
        for route in self.routes:
            try:
                match = route.pattern.match(path)
                if match:
                    new_path, args, kwargs = match
                    kwargs.update(route.default_args)
                    outer = scope.get("url_route", {})
                    url_route = {"args": tuple(outer.get("args", ())) + tuple(args), "kwargs": {**outer.get("kwargs", {}), **kwargs}}
                    return await route.callback(dict(scope, path_remaining=new_path, url_route=url_route), receive, send)
            except Resolver404:
                pass
        if "path_remaining" in scope:
            raise coded(Resolver404("No route found for path %r." % path), "NO_ROUTE")
        raise coded(ValueError("No route found for path %r." % path), "NO_ROUTE")


class ChannelNameRouter:
    """Maps to different applications based on a "channel" key in the scope."""

    def __init__(self, application_mapping):
        self.application_mapping = application_mapping

    async def __call__(self, scope, receive, send):
        if "channel" not in scope:
            raise ValueError(
                "ChannelNameRouter got a scope without a 'channel' key. "
                + "Did you make sure it's only being used for 'channel' type messages?"
            )
        if scope["channel"] in self.application_mapping:
            return await self.application_mapping[scope["channel"]](scope, receive, send)
        raise ValueError("No application configured for channel name %r" % scope["channel"])
