# The tutorial's first consumer, as written. It never accepts, so the handshake waits until the server drops it.
from channels.consumer import SyncConsumer

class MySyncConsumer(SyncConsumer):
    def websocket_connect(self, event):
        print('WebSocket Connect...')
    def websocket_receive(self, event):
        print('Websocket Received..')
    def websocket_disconnect(self, event):
        print('Websocket Disconnect..')
