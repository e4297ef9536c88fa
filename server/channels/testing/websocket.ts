// WebsocketCommunicator (channels/testing/websocket.py): drives a websocket app without a server.
import type { ASGIApp, Bytes, Headers, Scope } from "../types.ts";
import { to_bytes } from "../util/bytes.ts";
import { dumps, loads } from "../util/json.ts";
import { split_path, unquote } from "../util/url.ts";
import { ApplicationCommunicator, assert } from "./application.ts";

export type HeadersInit = Array<[string | Bytes, string | Bytes]>;
export interface WebsocketCommunicatorOptions {
  headers?: HeadersInit;
  subprotocols?: string[];
}

export function to_header_list(headers: HeadersInit | undefined): Headers {
  return (headers ?? []).map(([name, value]) => [to_bytes(name), to_bytes(value)]);
}

export class WebsocketCommunicator extends ApplicationCommunicator {
  /**
   * `new WebsocketCommunicator(app, "/ws/chat/lobby/?x=1", { headers, subprotocols })`, or headers and
   * subprotocols positionally as in Python.
   */
  constructor(application: ASGIApp, path: string, headers?: HeadersInit | WebsocketCommunicatorOptions, subprotocols?: string[]) {
    if (typeof path !== "string") throw new TypeError(`Expected str, got ${typeof path}`);
    const options = Array.isArray(headers) ? { headers, subprotocols } : { subprotocols, ...headers };
    const [raw_path, query] = split_path(path);
    const scope: Scope = {
      type: "websocket",
      path: unquote(raw_path),
      query_string: to_bytes(query),
      headers: to_header_list(options.headers),
      subprotocols: options.subprotocols ?? [],
    };
    super(application, scope);
  }

  /** `[true, subprotocol]` when accepted; `[false, close_code]` when the first output is a close. */
  async connect(timeout = 1): Promise<[true, string | null] | [false, number]> {
    await this.send_input({ type: "websocket.connect" });
    const response = await this.receive_output(timeout);
    if (response.type === "websocket.close") return [false, response.code ?? 1000];
    return [true, (response as { subprotocol?: string | null }).subprotocol ?? null];
  }

  /** `send_to("text")`, `send_to(null, bytes)` or `send_to({ text_data, bytes_data })`. */
  async send_to(text_data?: string | null | { text_data?: string | null; bytes_data?: Bytes | null }, bytes_data?: Bytes | null): Promise<void> {
    if (text_data !== null && typeof text_data === "object") ({ text_data, bytes_data } = text_data);
    assert(Boolean(text_data) !== Boolean(bytes_data), "You must supply exactly one of text_data or bytes_data");
    if (text_data) {
      assert(typeof text_data === "string", "The text_data argument must be a str");
      await this.send_input({ type: "websocket.receive", text: text_data });
    } else {
      assert(bytes_data instanceof Uint8Array, "The bytes_data argument must be bytes");
      await this.send_input({ type: "websocket.receive", bytes: bytes_data });
    }
  }

  /** Sends `data` as a JSON text frame. */
  async send_json_to(data: unknown): Promise<void> {
    await this.send_to(dumps(data));
  }

  /** The next frame the app sends: a string for text, a Uint8Array for bytes. */
  async receive_from(timeout = 1): Promise<string | Bytes> {
    const response = await this.receive_output(timeout);
    assert(response.type === "websocket.send", `Expected a websocket.send message, got ${response.type}`);
    const has_text = response.text !== null && response.text !== undefined;
    const has_bytes = response.bytes !== null && response.bytes !== undefined;
    assert(has_text !== has_bytes, "The response needs exactly one of 'text' or 'bytes'");
    if (has_text) {
      assert(typeof response.text === "string", "Text frame payload is not str");
      return response.text;
    }
    assert(response.bytes instanceof Uint8Array, "Binary frame payload is not bytes");
    return response.bytes;
  }

  async receive_json_from(timeout = 1): Promise<unknown> {
    const payload = await this.receive_from(timeout);
    assert(typeof payload === "string", "JSON data is not a text frame");
    return loads(payload);
  }

  /** Sends websocket.disconnect and waits for the app to finish. */
  async disconnect(code: number | null = 1000, timeout = 1): Promise<void> {
    await this.send_input({ type: "websocket.disconnect", code });
    await this.wait(timeout);
  }
}
