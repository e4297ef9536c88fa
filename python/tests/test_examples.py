"""The Python gallery (python/examples/), run on our channels package: each example as the playground loads it.
The same files are the Django twin's consumers in the differential test against Daphne. The seed's own test,
and the chat consumer's fuller one, are in test_channels.py."""

import importlib
import json

from channels.testing import WebsocketCommunicator

EXAMPLES = ["seed", "echo", "async_echo", "json_echo", "chat", "direct", "reject", "subprotocol", "boom", "close_code"]


def app(name, consumer=None):
    module = importlib.import_module(name)
    if consumer is None and hasattr(module, "application"):
        return module.application
    return getattr(module, consumer).as_asgi()


def test_every_example_imports():
    for name in EXAMPLES:
        importlib.import_module(name)


async def test_echo_examples():
    for name, consumer in (("echo", "EchoConsumer"), ("async_echo", "AsyncEchoConsumer")):
        communicator = WebsocketCommunicator(app(name, consumer), "/")
        assert await communicator.connect() == (True, None)
        await communicator.send_to(text_data="hi")
        assert await communicator.receive_from() == "hi"
        await communicator.send_to(bytes_data=b"\x00\xff")
        assert await communicator.receive_from() == b"\x00\xff"
        await communicator.disconnect()


async def test_json_echo():
    communicator = WebsocketCommunicator(app("json_echo", "JsonEchoConsumer"), "/")
    await communicator.connect()
    await communicator.send_json_to({"n": 1})
    assert await communicator.receive_json_from() == {"n": 1}


async def test_chat_application_routes_two_clients_into_one_room():
    # The module's own `application` (its URLRouter), as the playground mounts it.
    application = app("chat")
    alice = WebsocketCommunicator(application, "/ws/chat/lobby/")
    bob = WebsocketCommunicator(application, "/ws/chat/lobby/")
    await alice.connect()
    await bob.connect()
    await bob.send_to(text_data="hello room")
    assert await alice.receive_from() == "hello room"
    assert await bob.receive_from() == "hello room"
    await alice.disconnect()
    await bob.disconnect()


async def test_direct_messages_by_channel_name():
    application = app("direct", "DirectConsumer")
    alice = WebsocketCommunicator(application, "/")
    bob = WebsocketCommunicator(application, "/")
    await alice.connect()
    await bob.connect()
    a = (await alice.receive_json_from())["channel_name"]
    b = (await bob.receive_json_from())["channel_name"]
    await alice.send_json_to({"to": b, "text": "hi bob"})
    assert await bob.receive_json_from() == {"from": a, "text": "hi bob"}


async def test_reject_subprotocol_boom_close_code():
    assert await WebsocketCommunicator(app("reject", "RejectConsumer"), "/").connect() == (False, 1000)

    communicator = WebsocketCommunicator(app("subprotocol", "SubprotocolConsumer"), "/", subprotocols=["chat.v2", "x"])
    assert await communicator.connect() == (True, "chat.v2")
    await communicator.send_to(text_data="?")
    assert json.loads(await communicator.receive_from()) == {"offered": ["chat.v2", "x"], "selected": "chat.v2"}

    communicator = WebsocketCommunicator(app("boom", "BoomConsumer"), "/")
    await communicator.connect()
    await communicator.send_to(text_data="x")
    try:
        await communicator.receive_output()
    except RuntimeError as e:
        assert str(e) == "boom"
    else:
        raise AssertionError("boom not raised")

    communicator = WebsocketCommunicator(app("close_code", "CloseCodeConsumer"), "/")
    await communicator.connect()
    await communicator.send_to(text_data="x")
    assert await communicator.receive_output() == {"type": "websocket.close", "code": 4001}
