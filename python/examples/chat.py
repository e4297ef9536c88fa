# A chat room per URL: everyone connected to ws/chat/<room>/ gets every message sent to that room.
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import URLRouter
from django.urls import re_path


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.group_name = "chat_" + self.scope["url_route"]["kwargs"]["room"]
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            return  # binary frames are ignored
        await self.channel_layer.group_send(self.group_name, {"type": "chat.message", "text": text_data})

    # Handles the group's "chat.message" events: the type's dots become underscores.
    async def chat_message(self, event):
        await self.send(text_data=event["text"])

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group_name, self.channel_name)


application = URLRouter([
    re_path(r"^ws/chat/(?P<room>\w+)/$", ChatConsumer.as_asgi()),
])
