"""Consumers for the differential conformance suite. Each one isolates a single Channels/Daphne behaviour."""

import json

from channels.consumer import SyncConsumer
from channels.generic.websocket import (
    AsyncJsonWebsocketConsumer,
    AsyncWebsocketConsumer,
    JsonWebsocketConsumer,
    WebsocketConsumer,
)


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


class EchoConsumer(WebsocketConsumer):
    def receive(self, text_data=None, bytes_data=None):
        if text_data is not None:
            self.send(text_data=text_data)
        else:
            self.send(bytes_data=bytes_data)


class AsyncEchoConsumer(AsyncWebsocketConsumer):
    async def receive(self, text_data=None, bytes_data=None):
        if text_data is not None:
            await self.send(text_data=text_data)
        else:
            await self.send(bytes_data=bytes_data)


class JsonEchoConsumer(JsonWebsocketConsumer):
    def receive_json(self, content, **kwargs):
        self.send_json(content)


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.group_name = "chat_" + self.scope["url_route"]["kwargs"]["room"]
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            return
        await self.channel_layer.group_send(self.group_name, {"type": "chat.message", "text": text_data})

    async def chat_message(self, event):
        await self.send(text_data=event["text"])

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group_name, self.channel_name)


class DirectConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.send_json({"channel_name": self.channel_name})

    async def receive_json(self, content):
        if not isinstance(content.get("to"), str):
            await self.send_json({"error": 'Send {"to": "<a channel_name>", "text": "..."}'})
            return
        await self.channel_layer.send(content["to"], {"type": "direct.message", "text": content.get("text"), "from": self.channel_name})

    async def direct_message(self, event):
        await self.send_json({"from": event["from"], "text": event["text"]})


class RejectConsumer(WebsocketConsumer):
    def connect(self):
        self.close()


class SubprotocolConsumer(WebsocketConsumer):
    def connect(self):
        self.selected = "chat.v2" if "chat.v2" in self.scope["subprotocols"] else None
        self.accept(self.selected)

    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data=json.dumps({"offered": list(self.scope["subprotocols"]), "selected": self.selected}))


class BoomConsumer(WebsocketConsumer):
    def receive(self, text_data=None, bytes_data=None):
        raise RuntimeError("boom")


class CloseCodeConsumer(WebsocketConsumer):
    def receive(self, text_data=None, bytes_data=None):
        self.close(4001)


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
