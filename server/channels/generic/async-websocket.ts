// AsyncWebsocketConsumer and AsyncJsonWebsocketConsumer (channels/generic/websocket.py), the async pair.
import { AsyncConsumer } from "../consumer.ts";
import { AcceptConnection, DenyConnection, StopConsumer, ValueError } from "../exceptions.ts";
import type { WebSocketScope, Bytes, WebSocketConnectEvent, WebSocketDisconnectEvent, WebSocketReceiveEvent } from "../types.ts";
import { dumps, loads } from "../util/json.ts";
import {
  accept_event, type AcceptOptions, type CloseArg, close_event, type CloseOptions, groups_layer, receive_args,
  send_args, type SendOptions,
} from "./args.ts";

export class AsyncWebsocketConsumer extends AsyncConsumer {
  declare scope: WebSocketScope;
  /** Groups joined before `connect()` and left on disconnect. */
  groups: string[] = [];

  async websocket_connect(_message: WebSocketConnectEvent): Promise<void> {
    if (this.groups.length > 0) {
      const layer = groups_layer(this.channel_layer);
      for (const group of this.groups) await layer.group_add(group, this.channel_name);
    }
    try {
      await this.connect();
    } catch (error) {
      if (error instanceof AcceptConnection) await this.accept();
      else if (error instanceof DenyConnection) await this.close();
      else throw error;
    }
  }

  async connect(): Promise<void> {
    await this.accept();
  }

  /** `accept()`, `accept("chat.v2")` or `accept({ subprotocol, headers })`. */
  async accept(subprotocol?: string | null | AcceptOptions): Promise<void> {
    await super.send(accept_event(subprotocol));
  }

  async websocket_receive(message: WebSocketReceiveEvent): Promise<void> {
    const [text_data, bytes_data] = receive_args(message);
    await this.receive(text_data, bytes_data);
  }

  async receive(_text_data?: string, _bytes_data?: Bytes): Promise<void> {}

  /** `send("hi")`, `send(null, bytes)`, `send({ text_data, bytes_data, close })`. */
  // @ts-expect-error Channels' generic consumers replace send(message) with send(text_data, bytes_data, close).
  override async send(text_data?: string | SendOptions | null, bytes_data?: Bytes | null, close?: CloseArg): Promise<void> {
    const [event, close_after] = send_args(text_data, bytes_data, close);
    await super.send(event);
    if (close_after !== false && close_after !== 0) await this.close(close_after);
  }

  /** `close()`, `close(4001)` or `close({ code, reason })`. */
  async close(code?: number | boolean | null | CloseOptions): Promise<void> {
    await super.send(close_event(code));
  }

  async websocket_disconnect(message: WebSocketDisconnectEvent): Promise<void> {
    if (this.groups.length > 0) {
      const layer = groups_layer(this.channel_layer);
      for (const group of this.groups) await layer.group_discard(group, this.channel_name);
    }
    await this.disconnect(message.code);
    throw new StopConsumer();
  }

  async disconnect(_code: number | null): Promise<void> {}
}

/** Text frames are decoded as JSON for `receive_json`; `send_json` encodes as Python's json.dumps does. */
export class AsyncJsonWebsocketConsumer extends AsyncWebsocketConsumer {
  override async receive(text_data?: string, _bytes_data?: Bytes): Promise<void> {
    if (!text_data) throw new ValueError("No text section for incoming WebSocket frame!");
    await this.receive_json(await (this.constructor as typeof AsyncJsonWebsocketConsumer).decode_json(text_data));
  }

  async receive_json(_content: unknown): Promise<void> {}

  async send_json(content: unknown, close: CloseArg | { close?: CloseArg } = false): Promise<void> {
    const close_arg = typeof close === "object" ? (close.close ?? false) : close;
    const text_data = await (this.constructor as typeof AsyncJsonWebsocketConsumer).encode_json(content);
    await super.send({ text_data, close: close_arg });
  }

  static async decode_json(text_data: string): Promise<unknown> {
    return loads(text_data);
  }

  static async encode_json(content: unknown): Promise<string> {
    return dumps(content);
  }
}
