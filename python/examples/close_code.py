# Accepts, then closes with the application's own code 4001 on any message.
from channels.generic.websocket import WebsocketConsumer


class CloseCodeConsumer(WebsocketConsumer):
    def receive(self, text_data=None, bytes_data=None):
        self.close(4001)
