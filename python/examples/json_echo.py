# Text frames are JSON: receive_json gets the decoded value, send_json encodes it back.
from channels.generic.websocket import JsonWebsocketConsumer


class JsonEchoConsumer(JsonWebsocketConsumer):
    def receive_json(self, content, **kwargs):
        self.send_json(content)
