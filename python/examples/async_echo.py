# The echo consumer, async: every handler is awaited, one message at a time per connection.
from channels.generic.websocket import AsyncWebsocketConsumer


class AsyncEchoConsumer(AsyncWebsocketConsumer):
    async def receive(self, text_data=None, bytes_data=None):
        if text_data is not None:
            await self.send(text_data=text_data)
        else:
            await self.send(bytes_data=bytes_data)
