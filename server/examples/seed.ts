// The tutorial's first consumer. It never accepts, so the handshake waits until the server drops it.
import { SyncConsumer, type WebSocketConnectEvent, type WebSocketDisconnectEvent, type WebSocketReceiveEvent } from "channels";

export class MySyncConsumer extends SyncConsumer {
  websocket_connect(event: WebSocketConnectEvent) {
    console.log("WebSocket Connect...", event);
  }

  websocket_receive(event: WebSocketReceiveEvent) {
    console.log("Websocket Received..", event);
  }

  websocket_disconnect(event: WebSocketDisconnectEvent) {
    console.log("Websocket Disconnect..", event);
  }
}
