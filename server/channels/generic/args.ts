// Argument handling shared by the sync and async websocket consumers: Python keyword arguments arrive as
// positional values or as one options object (`send("hi")`, `send({ text_data: "hi", close: true })`).
import { InvalidChannelLayerError, ValueError } from "../exceptions.ts";
import type { ChannelLayer } from "../layers/base.ts";
import type {
  Bytes, Headers, WebSocketAcceptEvent, WebSocketCloseEvent, WebSocketReceiveEvent, WebSocketSendEvent,
} from "../types.ts";

export interface SendOptions { text_data?: string | null; bytes_data?: Bytes | null; close?: boolean | number }
export interface AcceptOptions { subprotocol?: string | null; headers?: Headers }
export interface CloseOptions { code?: number | boolean | null; reason?: string }
/** `close=True` closes with 1000 after sending; a number closes with that code. */
export type CloseArg = boolean | number;

const is_options = (value: unknown): value is object =>
  value !== null && typeof value === "object" && !(value instanceof Uint8Array);

export function send_args(
  first: string | SendOptions | null | undefined,
  bytes_data: Bytes | null | undefined,
  close: CloseArg | undefined,
): [WebSocketSendEvent, CloseArg] {
  let text_data: unknown = first;
  if (is_options(first)) ({ text_data, bytes_data, close } = first as SendOptions);
  if (text_data instanceof Uint8Array) {
    throw new TypeError("text_data must be a string; send bytes with send({ bytes_data }) or send(null, bytes)");
  }
  let event: WebSocketSendEvent;
  if (text_data !== null && text_data !== undefined && bytes_data !== null && bytes_data !== undefined) {
    throw new ValueError("You must pass one of bytes_data or text_data, not both");
  }
  if (text_data !== null && text_data !== undefined) event = { type: "websocket.send", text: text_data as string };
  else if (bytes_data !== null && bytes_data !== undefined) event = { type: "websocket.send", bytes: bytes_data };
  else throw new ValueError("You must pass one of bytes_data or text_data");
  return [event, close ?? false];
}

export function accept_event(arg: string | null | undefined | AcceptOptions): WebSocketAcceptEvent {
  const { subprotocol = null, headers } = is_options(arg) ? (arg as AcceptOptions) : { subprotocol: arg ?? null };
  return headers === undefined ? { type: "websocket.accept", subprotocol } : { type: "websocket.accept", subprotocol, headers };
}

export function close_event(arg: number | boolean | null | undefined | CloseOptions): WebSocketCloseEvent {
  const { code, reason } = is_options(arg) ? (arg as CloseOptions) : { code: arg, reason: undefined };
  const event: WebSocketCloseEvent = { type: "websocket.close" };
  if (typeof code === "number") event.code = code;
  if (reason !== undefined) event.reason = reason;
  return event;
}

/** websocket.receive -> the `(text_data, bytes_data)` that `receive()` gets. */
export function receive_args(message: WebSocketReceiveEvent): [string | undefined, Bytes | undefined] {
  return message.text !== null && message.text !== undefined ? [message.text, undefined] : [undefined, message.bytes ?? undefined];
}

/** The layer for a consumer's `groups`; Channels' error when there is none or it has no groups. */
export function groups_layer(layer: ChannelLayer | null): ChannelLayer {
  if (layer === null || typeof layer.group_add !== "function") {
    throw new InvalidChannelLayerError("BACKEND is unconfigured or doesn't support groups");
  }
  return layer;
}
