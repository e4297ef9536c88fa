"""channels.security.websocket: refuse websocket connections whose Origin is not allowed (the browser sends
Origin; a page on another site cannot forge it). A refused connection is closed before accept, which the
server answers with HTTP 403."""

from urllib.parse import urlparse

from django.conf import settings
from django.http.request import is_same_domain

from ..generic.websocket import AsyncWebsocketConsumer

DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443}


class OriginValidator:
    """Passes a websocket connection on to `application` only when its Origin matches one of
    `allowed_origins`: "*" (anything), a hostname ("example.com"; ".example.com" for it and its subdomains), or
    a scheme, hostname and optional port ("https://example.com:8443"; default ports count)."""

    def __init__(self, application, allowed_origins):
        self.application = application
        self.allowed_origins = allowed_origins

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("You cannot use OriginValidator on a non-WebSocket connection")
        parsed_origin = None
        for name, value in scope.get("headers", []):
            if name == b"origin":
                try:
                    parsed_origin = urlparse(value.decode("latin1"))
                except UnicodeDecodeError:
                    pass
        if self.valid_origin(parsed_origin):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)

    def valid_origin(self, parsed_origin):
        # A connection without an Origin is refused unless every origin is allowed.
        if parsed_origin is None and "*" not in self.allowed_origins:
            return False
        return self.validate_origin(parsed_origin)

    def validate_origin(self, parsed_origin):
        return any(pattern == "*" or self.match_allowed_origin(parsed_origin, pattern) for pattern in self.allowed_origins)

    def match_allowed_origin(self, parsed_origin, pattern):
        if parsed_origin is None or parsed_origin.hostname is None:
            return False
        parsed_pattern = urlparse(pattern.lower())
        if not parsed_pattern.scheme:
            # A bare hostname (maybe with a port, which is then ignored).
            hostname = urlparse("//" + pattern).hostname or pattern
            return is_same_domain(parsed_origin.hostname, hostname)
        return (
            parsed_pattern.scheme == parsed_origin.scheme
            and self.get_origin_port(parsed_origin) == self.get_origin_port(parsed_pattern)
            and is_same_domain(parsed_origin.hostname, parsed_pattern.hostname)
        )

    def get_origin_port(self, origin):
        """The origin's port, or its scheme's default one (None for another scheme)."""
        if origin.port is not None:
            return origin.port
        return DEFAULT_PORTS.get(origin.scheme)


def AllowedHostsOriginValidator(application):
    """An OriginValidator that allows settings.ALLOWED_HOSTS (with DEBUG and none set: the local hosts)."""
    allowed_hosts = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed_hosts:
        allowed_hosts = ["localhost", "127.0.0.1", "[::1]"]
    return OriginValidator(application, allowed_hosts)


class WebsocketDenier(AsyncWebsocketConsumer):
    """Refuses every connection: closing before accept is answered with HTTP 403."""

    async def connect(self):
        await self.close()
