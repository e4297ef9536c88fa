"""channels.security.websocket and channels.middleware, as Channels 4.0 behaves: allowed origins connect, others
are refused before accept, and AllowedHostsOriginValidator follows settings."""

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.middleware import BaseMiddleware
from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator
from channels.testing import WebsocketCommunicator
from django.conf import settings


class Accepting(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()


async def connects(application, origin=None):
    headers = [] if origin is None else [(b"origin", origin.encode("latin1"))]
    communicator = WebsocketCommunicator(application, "/", headers=headers)
    connected, _ = await communicator.connect()
    await communicator.disconnect()
    return connected


async def test_origin_validator_allows_the_listed_origins_and_refuses_the_rest():
    app = OriginValidator(Accepting.as_asgi(), ["allowed-domain.com"])
    assert await connects(app, "http://allowed-domain.com")
    assert not await connects(app, "http://bad-domain.com")
    assert not await connects(app)  # no Origin at all


async def test_origin_validator_patterns():
    app = OriginValidator(Accepting.as_asgi(), [".allowed-domain.com", "https://exact.example:8443", "http://plain.example"])
    assert await connects(app, "http://allowed-domain.com")
    assert await connects(app, "https://sub.allowed-domain.com")
    assert not await connects(app, "http://allowed-domain.com.evil.com")
    assert await connects(app, "https://exact.example:8443")
    assert not await connects(app, "http://exact.example:8443")  # the scheme counts
    assert not await connects(app, "https://exact.example")  # and the port (443 by default)
    assert await connects(app, "http://plain.example:80")  # 80 is http's default
    assert not await connects(app, "http://plain.example:8080")


async def test_a_star_allows_anything_even_no_origin():
    app = OriginValidator(Accepting.as_asgi(), ["*"])
    assert await connects(app, "http://anything.example")
    assert await connects(app)


async def test_the_refusal_is_a_close_before_accept():
    communicator = WebsocketCommunicator(OriginValidator(Accepting.as_asgi(), []), "/", headers=[(b"origin", b"http://x.example")])
    assert await communicator.connect() == (False, 1000)


async def test_origin_validator_is_for_websockets_only():
    validator = OriginValidator(Accepting.as_asgi(), ["*"])
    try:
        await validator({"type": "http"}, None, None)
    except ValueError as error:
        assert str(error) == "You cannot use OriginValidator on a non-WebSocket connection"
    else:
        raise AssertionError("an http scope was let through")


async def test_allowed_hosts_origin_validator_reads_settings():
    saved = (settings.ALLOWED_HOSTS, settings.DEBUG)
    try:
        settings.ALLOWED_HOSTS, settings.DEBUG = ["allowed-domain.com"], False
        app = AllowedHostsOriginValidator(Accepting.as_asgi())
        assert await connects(app, "http://allowed-domain.com")
        assert not await connects(app, "http://localhost")
        # With DEBUG and no hosts configured, the local ones are allowed, as in Django's runserver.
        settings.ALLOWED_HOSTS, settings.DEBUG = [], True
        app = AllowedHostsOriginValidator(Accepting.as_asgi())
        assert await connects(app, "http://localhost:8000")
        assert await connects(app, "http://127.0.0.1:8000")
        assert not await connects(app, "http://allowed-domain.com")
    finally:
        settings.ALLOWED_HOSTS, settings.DEBUG = saved


async def test_base_middleware_copies_the_scope_for_the_inner_app():
    seen = {}

    class Tagging(BaseMiddleware):
        async def __call__(self, scope, receive, send):
            scope = dict(scope, tagged=True)
            return await super().__call__(scope, receive, send)

    class Reading(AsyncWebsocketConsumer):
        async def connect(self):
            seen["tagged"] = self.scope.get("tagged")
            await self.accept()

    outer_scope_keys = set()
    app = Tagging(Reading.as_asgi())
    communicator = WebsocketCommunicator(app, "/")
    outer_scope_keys.update(communicator.scope)
    assert (await communicator.connect())[0]
    await communicator.disconnect()
    assert seen["tagged"] is True
    assert "tagged" not in outer_scope_keys
