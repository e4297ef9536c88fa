# Direct messages: every consumer has a channel_name, and anyone who knows it can send to that consumer.
# Connect two clients; each is told its channel_name. Send {"to": "<the other's name>", "text": "hi"}.
from channels.generic.websocket import AsyncJsonWebsocketConsumer


class DirectConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.send_json({"channel_name": self.channel_name})

    async def receive_json(self, content, **kwargs):
        if not isinstance(content.get("to"), str):
            await self.send_json({"error": 'Send {"to": "<a channel_name>", "text": "..."}'})
            return
        await self.channel_layer.send(content["to"], {"type": "direct.message", "text": content.get("text"), "from": self.channel_name})

    # Handles "direct.message" events sent to this consumer's channel_name.
    async def direct_message(self, event):
        await self.send_json({"from": event["from"], "text": event["text"]})
