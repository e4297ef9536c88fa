# Accepts, then crashes on the first message: the server closes the connection with 1011.
from channels.generic.websocket import WebsocketConsumer


class BoomConsumer(WebsocketConsumer):
    def receive(self, text_data=None, bytes_data=None):
        raise RuntimeError("boom")
