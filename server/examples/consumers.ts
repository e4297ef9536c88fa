// The example app's consumers: one per route, each written as a Channels tutorial writes it.
import {
  AsyncWebsocketConsumer, JsonWebsocketConsumer, SyncConsumer, WebsocketConsumer,
  type Bytes, type WebSocketConnectEvent, type WebSocketDisconnectEvent, type WebSocketReceiveEvent,
} from "../channels/index.ts";

/** The tutorial's first consumer: it logs, and never accepts, so the handshake waits until it times out. */
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

/** Echoes text as text and bytes as bytes. */
export class EchoConsumer extends WebsocketConsumer {
  override receive(text_data?: string, bytes_data?: Bytes) {
    if (text_data !== undefined) this.send({ text_data });
    else this.send({ bytes_data });
  }
}

export class AsyncEchoConsumer extends AsyncWebsocketConsumer {
  override async receive(text_data?: string, bytes_data?: Bytes) {
    if (text_data !== undefined) await this.send({ text_data });
    else await this.send({ bytes_data });
  }
}

export class JsonEchoConsumer extends JsonWebsocketConsumer {
  override receive_json(content: unknown) {
    this.send_json(content);
  }
}

/** Everyone in `ws/chat/<room>/` receives every text message sent to that room, the sender too. */
export class ChatConsumer extends AsyncWebsocketConsumer {
  group_name = "";

  override async connect() {
    this.group_name = `chat_${this.scope.url_route!.kwargs.room}`;
    await this.channel_layer!.group_add(this.group_name, this.channel_name);
    await this.accept();
  }

  override async receive(text_data?: string) {
    if (text_data === undefined) return; // binary frames are ignored
    await this.channel_layer!.group_send(this.group_name, { type: "chat.message", text: text_data });
  }

  async chat_message(event: { text: string }) {
    await this.send({ text_data: event.text });
  }

  override async disconnect(_code: number | null) {
    await this.channel_layer!.group_discard(this.group_name, this.channel_name);
  }
}

/** Refuses every connection: a close before accept, which the server answers with HTTP 403. */
export class RejectConsumer extends WebsocketConsumer {
  override connect() {
    this.close();
  }
}

/** Accepts with "chat.v2" when the client offers it; answers any text with what was offered and chosen. */
export class SubprotocolConsumer extends WebsocketConsumer {
  selected: string | null = null;

  override connect() {
    this.selected = this.scope.subprotocols.includes("chat.v2") ? "chat.v2" : null;
    this.accept(this.selected);
  }

  override receive() {
    this.send({ text_data: JsonWebsocketConsumer.encode_json({ offered: this.scope.subprotocols, selected: this.selected }) });
  }
}

/** Accepts, then crashes on the first message: the server closes with 1011. */
export class BoomConsumer extends WebsocketConsumer {
  override receive() {
    throw new Error("boom");
  }
}

/** Accepts, then closes with the application code 4001 on any message. */
export class CloseCodeConsumer extends WebsocketConsumer {
  override receive() {
    this.close(4001);
  }
}

/** Sends before accepting: an application error during the handshake, answered with HTTP 500. */
export class SendBeforeAcceptConsumer extends WebsocketConsumer {
  override connect() {
    this.send({ text_data: "too early" });
  }
}

/** Closes with 1001, which a server may not send: an application error, answered with 1011. */
export class BadCloseConsumer extends WebsocketConsumer {
  override receive() {
    this.close(1001);
  }
}

/** Crashes in connect: HTTP 500 during the handshake. */
export class ConnectBoomConsumer extends WebsocketConsumer {
  override connect(): void {
    throw new Error("connect boom");
  }
}
