"""The Python channels package: dispatch, errors, consumers, layers and routing, driven by WebsocketCommunicator
as Channels' own tests are. Run by python/channels.test.ts under Pyodide, with python/examples/ on sys.path."""

import asyncio

from asgiref.sync import async_to_sync
from channels.consumer import AsyncConsumer, SyncConsumer, get_handler_name
from channels.exceptions import ChannelFull, DenyConnection, StopConsumer
from channels.generic.websocket import (
    AsyncJsonWebsocketConsumer,
    AsyncWebsocketConsumer,
    JsonWebsocketConsumer,
    WebsocketConsumer,
)
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.testing import ApplicationCommunicator, WebsocketCommunicator
from django.urls import ImproperlyConfigured, path, re_path

# The gallery's own consumers (python/examples/ is on sys.path): the seed exactly as the tutorial writes it.
from chat import ChatConsumer
from echo import EchoConsumer
from seed import MySyncConsumer


def raises(exception, text, call):
    try:
        result = call()
    except exception as e:
        assert str(e) == text, "%r != %r" % (str(e), text)
        return
    raise AssertionError("%s(%r) not raised (got %r)" % (exception.__name__, text, result))


async def raises_async(exception, text, awaitable):
    try:
        await awaitable
    except exception as e:
        assert str(e) == text, "%r != %r" % (str(e), text)
        return
    raise AssertionError("%s(%r) not raised" % (exception.__name__, text))


def test_handler_names_follow_channels_rule():
    assert get_handler_name({"type": "chat.message"}) == "chat_message"
    raises(ValueError, "Incoming message has no 'type' attribute", lambda: get_handler_name({}))
    raises(ValueError, "Malformed type in message (leading underscore)", lambda: get_handler_name({"type": "_x"}))
    raises(ValueError, "Malformed type in message (leading underscore)", lambda: get_handler_name({"type": ".x"}))


async def test_seed_consumer_runs_as_written_and_never_accepts():
    communicator = WebsocketCommunicator(MySyncConsumer.as_asgi(), "/")
    await communicator.send_input({"type": "websocket.connect"})
    assert await communicator.receive_nothing(0.05)
    await communicator.send_input({"type": "websocket.receive", "text": "hi"})
    assert await communicator.receive_nothing(0.05)
    # No StopConsumer in the seed's disconnect: the instance keeps running, as under Daphne.
    await communicator.send_input({"type": "websocket.disconnect", "code": 1000})
    assert await communicator.receive_nothing(0.05)
    communicator.future.cancel()


async def test_no_handler_for_a_message_type():
    class Quiet(AsyncConsumer):
        async def websocket_connect(self, event):
            await self.send({"type": "websocket.accept"})

    communicator = ApplicationCommunicator(Quiet.as_asgi(), {"type": "websocket", "path": "/"})
    await communicator.send_input({"type": "websocket.connect"})
    assert (await communicator.receive_output())["type"] == "websocket.accept"
    await communicator.send_input({"type": "chat.message"})
    await raises_async(ValueError, "No handler for message type chat.message", communicator.receive_output())


async def test_an_async_handler_in_a_sync_consumer_is_an_error_not_silence():
    class Wrong(SyncConsumer):
        async def websocket_connect(self, event):
            pass

    communicator = WebsocketCommunicator(Wrong.as_asgi(), "/")
    await raises_async(
        TypeError,
        "Wrong.websocket_connect() returned a coroutine, but a SyncConsumer's handlers are plain functions: "
        "remove 'async', or subclass AsyncConsumer",
        communicator.connect(),
    )


async def test_sync_sends_happen_in_order_before_the_next_event():
    class Twice(WebsocketConsumer):
        def receive(self, text_data=None, bytes_data=None):
            self.send(text_data=text_data + " 1")
            self.send(text_data=text_data + " 2")

    communicator = WebsocketCommunicator(Twice.as_asgi(), "/")
    await communicator.connect()
    await communicator.send_to(text_data="a")
    await communicator.send_to(text_data="b")
    assert [await communicator.receive_from() for _ in range(4)] == ["a 1", "a 2", "b 1", "b 2"]
    await communicator.disconnect()


async def test_accept_with_a_subprotocol_and_deny():
    class Sub(AsyncWebsocketConsumer):
        async def connect(self):
            if "chat.v2" in self.scope["subprotocols"]:
                await self.accept("chat.v2")
            else:
                raise DenyConnection()

    communicator = WebsocketCommunicator(Sub.as_asgi(), "/", subprotocols=["chat.v2"])
    assert await communicator.connect() == (True, "chat.v2")
    denied = WebsocketCommunicator(Sub.as_asgi(), "/")
    assert await denied.connect() == (False, 1000)


async def test_send_errors_are_channels_own():
    class Both(AsyncWebsocketConsumer):
        async def receive(self, text_data=None, bytes_data=None):
            await self.send(text_data="x", bytes_data=b"x")

    communicator = WebsocketCommunicator(Both.as_asgi(), "/")
    await communicator.connect()
    await communicator.send_to(text_data="go")
    await raises_async(ValueError, "You must pass one of bytes_data or text_data, not both", communicator.receive_from())


async def test_close_with_a_code_and_send_then_close():
    class Closer(AsyncWebsocketConsumer):
        async def receive(self, text_data=None, bytes_data=None):
            await self.send(text_data="bye", close=4001)

    communicator = WebsocketCommunicator(Closer.as_asgi(), "/")
    await communicator.connect()
    await communicator.send_to(text_data="x")
    assert await communicator.receive_from() == "bye"
    assert await communicator.receive_output() == {"type": "websocket.close", "code": 4001}


async def test_json_consumers_decode_and_encode():
    class SyncJson(JsonWebsocketConsumer):
        def receive_json(self, content, **kwargs):
            self.send_json({"got": content})

    class AsyncJson(AsyncJsonWebsocketConsumer):
        async def receive_json(self, content, **kwargs):
            await self.send_json({"got": content})

    for consumer in (SyncJson, AsyncJson):
        communicator = WebsocketCommunicator(consumer.as_asgi(), "/")
        await communicator.connect()
        await communicator.send_json_to({"a": [1, 2]})
        assert await communicator.receive_json_from() == {"got": {"a": [1, 2]}}
        await communicator.send_to(bytes_data=b"x")
        await raises_async(ValueError, "No text section for incoming WebSocket frame!", communicator.receive_from())


class SyncChat(WebsocketConsumer):
    groups = ["sync_room"]

    def receive(self, text_data=None, bytes_data=None):
        async_to_sync(self.channel_layer.group_send)("sync_room", {"type": "chat.message", "text": text_data})

    def chat_message(self, event):
        self.send(text_data=event["text"])


async def test_a_group_send_reaches_every_member_async_and_sync():
    application = URLRouter([re_path(r"^ws/chat/(?P<room>\w+)/$", ChatConsumer.as_asgi()), path("ws/sync/", SyncChat.as_asgi())])
    for url in ("/ws/chat/lobby/", "/ws/sync/"):
        alice = WebsocketCommunicator(application, url)
        bob = WebsocketCommunicator(application, url)
        assert (await alice.connect())[0] and (await bob.connect())[0]
        await alice.send_to(text_data="hi from alice")
        assert await alice.receive_from() == "hi from alice"
        assert await bob.receive_from() == "hi from alice"
        await alice.disconnect()
        await bob.send_to(text_data="alone")
        assert await bob.receive_from() == "alone"
        assert await alice.receive_nothing(0.05)
        await bob.disconnect()


async def test_routers_match_and_name_what_is_missing():
    class Kwargs(AsyncWebsocketConsumer):
        async def connect(self):
            await self.accept()
            await self.send(text_data=repr(self.scope["url_route"]))

    application = ProtocolTypeRouter({
        "websocket": URLRouter([
            path("rooms/<int:number>/", URLRouter([path("<slug:name>/", Kwargs.as_asgi())])),
        ]),
    })
    communicator = WebsocketCommunicator(application, "/rooms/12/the-lobby/")
    await communicator.connect()
    assert await communicator.receive_from() == "{'args': (), 'kwargs': {'number': 12, 'name': 'the-lobby'}}"
    await raises_async(ValueError, "No route found for path 'nope/'.", WebsocketCommunicator(application, "/nope/").connect())
    missing = ApplicationCommunicator(application, {"type": "http", "path": "/"})
    await raises_async(ValueError, "No application configured for scope type 'http'", missing.wait())


def test_mounting_a_consumer_class_names_the_fix():
    raises(
        ImproperlyConfigured,
        "path('ws/echo/') is given the consumer class EchoConsumer itself; mount EchoConsumer.as_asgi() instead, "
        "which makes one consumer instance per connection.",
        lambda: path("ws/echo/", EchoConsumer),
    )


async def test_the_in_memory_layer_checks_names_and_capacity():
    layer = InMemoryChannelLayer(capacity=2)
    await raises_async(
        TypeError,
        "Channel name must be a valid unicode string with length < 100 containing only ASCII alphanumerics, "
        "hyphens, underscores, or periods, not bad name",
        layer.send("bad name", {"type": "x"}),
    )
    channel = await layer.new_channel()
    assert channel.startswith("specific..inmemory!")
    await layer.send(channel, {"type": "a"})
    await layer.send(channel, {"type": "b"})
    await raises_async(ChannelFull, channel, layer.send(channel, {"type": "c"}))
    assert await layer.receive(channel) == {"type": "a"}
    assert get_channel_layer() is not None and get_channel_layer("other") is None


async def test_stop_consumer_ends_the_instance():
    class Stopper(AsyncConsumer):
        async def websocket_connect(self, event):
            raise StopConsumer()

    communicator = ApplicationCommunicator(Stopper.as_asgi(), {"type": "websocket", "path": "/"})
    await communicator.send_input({"type": "websocket.connect"})
    await communicator.wait()
    assert communicator.future.done()


def test_async_to_sync_outside_a_sync_handler_explains_itself():
    async def noop():
        pass

    raises(
        RuntimeError,
        "async_to_sync() can only be called from a sync consumer's handler here: the playground's Python runs on "
        "one thread, which cannot block. In async code, await the function instead.",
        lambda: async_to_sync(noop)(),
    )
