# Refuses every connection: a close before accept, which the server answers with HTTP 403.
from channels.generic.websocket import WebsocketConsumer


class RejectConsumer(WebsocketConsumer):
    def connect(self):
        self.close()
