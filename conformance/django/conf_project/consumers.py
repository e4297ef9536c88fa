"""Consumers for the differential conformance suite. Each one isolates a single Channels/Daphne behaviour.

The example app's consumers are the playground's Python gallery (python/examples/, on PYTHONPATH): the same
files run here on the real Channels and in the playground on ours."""

from async_echo import AsyncEchoConsumer  # noqa: F401
from boom import BoomConsumer  # noqa: F401
from channels.consumer import SyncConsumer
from channels.generic.websocket import WebsocketConsumer
from chat import ChatConsumer  # noqa: F401
from close_code import CloseCodeConsumer  # noqa: F401
from direct import DirectConsumer  # noqa: F401
from echo import EchoConsumer  # noqa: F401
from json_echo import JsonEchoConsumer  # noqa: F401
from reject import RejectConsumer  # noqa: F401
from subprotocol import SubprotocolConsumer  # noqa: F401


class SeedConsumer(SyncConsumer):
    """The tutorial's first consumer: it never accepts, so Daphne's handshake timeout is what the client sees."""

    def websocket_connect(self, event):
        print("WebSocket Connect...", event)

    def websocket_receive(self, event):
        print("Websocket Received..", event)

    def websocket_disconnect(self, event):
        # No StopConsumer on purpose: the seed is kept verbatim, so Daphne has to kill it after
        # application_close_timeout.
        print("Websocket Disconnect..", event)


class SendBeforeAcceptConsumer(WebsocketConsumer):
    def connect(self):
        # Daphne refuses a send before accept; the resulting app crash decides the handshake answer.
        self.send(text_data="too early")


class BadCloseConsumer(WebsocketConsumer):
    def receive(self, text_data=None, bytes_data=None):
        # 1001 is valid on the wire but autobahn only lets a server send 1000 or 3000-4999.
        self.close(1001)


class ConnectBoomConsumer(WebsocketConsumer):
    def connect(self):
        raise RuntimeError("connect boom")
