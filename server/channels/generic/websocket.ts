// WebsocketConsumer and JsonWebsocketConsumer (channels/generic/websocket.py), the sync pair.
import { SyncConsumer } from "../consumer.ts";
import { AcceptConnection, DenyConnection, StopConsumer, ValueError } from "../exceptions.ts";
import { async_to_sync } from "../sync.ts";
import type { WebSocketScope, Bytes, WebSocketConnectEvent, WebSocketDisconnectEvent, WebSocketReceiveEvent } from "../types.ts";
import { dumps, loads } from "../util/json.ts";
import {
  accept_event, type AcceptOptions, type CloseArg, close_event, type CloseOptions, groups_layer, receive_args,
  send_args, type SendOptions,
} from "./args.ts";

export class WebsocketConsumer extends SyncConsumer {
  declare scope: WebSocketScope;
  /** Groups joined before `connect()` and left on disconnect. */
  groups: string[] = [];

  websocket_connect(_message: WebSocketConnectEvent): void {
    if (this.groups.length > 0) {
      const layer = groups_layer(this.channel_layer);
      for (const group of this.groups) async_to_sync(layer.group_add)(group, this.channel_name);
    }
    try {
      this.connect();
    } catch (error) {
      if (error instanceof AcceptConnection) this.accept();
      else if (error instanceof DenyConnection) this.close();
      else throw error;
    }
  }

  connect(): void {
    this.accept();
  }

  /** `accept()`, `accept("chat.v2")` or `accept({ subprotocol, headers })`. */
  accept(subprotocol?: string | null | AcceptOptions): void {
    super.send(accept_event(subprotocol));
  }

  websocket_receive(message: WebSocketReceiveEvent): void {
    const [text_data, bytes_data] = receive_args(message);
    this.receive(text_data, bytes_data);
  }

  receive(_text_data?: string, _bytes_data?: Bytes): void {}

  /** `send("hi")`, `send(null, bytes)`, `send({ text_data, bytes_data, close })`. */
  // @ts-expect-error Channels' generic consumers replace send(message) with send(text_data, bytes_data, close).
  override send(text_data?: string | SendOptions | null, bytes_data?: Bytes | null, close?: CloseArg): void {
    const [event, close_after] = send_args(text_data, bytes_data, close);
    super.send(event);
    if (close_after !== false && close_after !== 0) this.close(close_after);
  }

  /** `close()`, `close(4001)` or `close({ code, reason })`. */
  close(code?: number | boolean | null | CloseOptions): void {
    super.send(close_event(code));
  }

  websocket_disconnect(message: WebSocketDisconnectEvent): void {
    if (this.groups.length > 0) {
      const layer = groups_layer(this.channel_layer);
      for (const group of this.groups) async_to_sync(layer.group_discard)(group, this.channel_name);
    }
    this.disconnect(message.code);
    throw new StopConsumer();
  }

  disconnect(_code: number | null): void {}
}

/** Text frames are decoded as JSON for `receive_json`; `send_json` encodes as Python's json.dumps does. */
export class JsonWebsocketConsumer extends WebsocketConsumer {
  override receive(text_data?: string, _bytes_data?: Bytes): void {
    if (!text_data) throw new ValueError("No text section for incoming WebSocket frame!");
    this.receive_json((this.constructor as typeof JsonWebsocketConsumer).decode_json(text_data));
  }

  receive_json(_content: unknown): void {}

  send_json(content: unknown, close: CloseArg | { close?: CloseArg } = false): void {
    const close_arg = typeof close === "object" ? (close.close ?? false) : close;
    super.send({ text_data: (this.constructor as typeof JsonWebsocketConsumer).encode_json(content), close: close_arg });
  }

  static decode_json(text_data: string): unknown {
    return loads(text_data);
  }

  static encode_json(content: unknown): string {
    return dumps(content);
  }
}
