# Accepts with "chat.v2" when the client offers it, and says what was offered and chosen.
import json

from channels.generic.websocket import WebsocketConsumer


class SubprotocolConsumer(WebsocketConsumer):
    def connect(self):
        self.selected = "chat.v2" if "chat.v2" in self.scope["subprotocols"] else None
        self.accept(self.selected)

    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data=json.dumps({"offered": list(self.scope["subprotocols"]), "selected": self.selected}))
