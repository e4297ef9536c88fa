// AsyncHttpConsumer (channels/generic/http.py).
import { AsyncConsumer } from "../consumer.ts";
import { AssertionError, NotImplementedError, StopConsumer } from "../exceptions.ts";
import type { HTTPScope, Bytes, Headers, HTTPDisconnectEvent, HTTPRequestEvent } from "../types.ts";
import { concat_bytes, to_bytes } from "../util/bytes.ts";

export type HeadersInit = Headers | Array<[string | Bytes, string | Bytes]> | Record<string, string | Bytes>;

function to_headers(headers: HeadersInit | undefined): Headers {
  if (headers === undefined) return [];
  const pairs = Array.isArray(headers) ? headers : Object.entries(headers);
  return pairs.map(([name, value]) => [to_bytes(name), to_bytes(value)]);
}

export class AsyncHttpConsumer extends AsyncConsumer {
  declare scope: HTTPScope;
  body: Bytes[] = [];

  /** Stages the status and headers; the server sends them with the first body chunk. */
  async send_headers({ status = 200, headers }: { status?: number; headers?: HeadersInit } = {}): Promise<void> {
    await this.send({ type: "http.response.start", status, headers: to_headers(headers) });
  }

  /** Sends body bytes (a string is sent as UTF-8); `more_body: true` keeps the response open. */
  async send_body(body: Bytes | string, { more_body = false }: { more_body?: boolean } = {}): Promise<void> {
    if (typeof body !== "string" && !(body instanceof Uint8Array)) throw new AssertionError("Body is not bytes");
    await this.send({ type: "http.response.body", body: to_bytes(body), more_body });
  }

  /** Headers and the whole body at once; call it only once. */
  async send_response(status: number, body: Bytes | string, options: { headers?: HeadersInit } = {}): Promise<void> {
    await this.send_headers({ status, headers: options.headers });
    await this.send_body(body);
  }

  async handle(_body: Bytes): Promise<void> {
    throw new NotImplementedError("Subclasses of AsyncHttpConsumer must provide a handle() method.");
  }

  /** Cleanup after the response or a client disconnect; do not send from here. */
  async disconnect(): Promise<void> {}

  async http_request(message: HTTPRequestEvent): Promise<void> {
    if (message.body !== undefined) this.body.push(message.body);
    if (message.more_body) return;
    try {
      await this.handle(concat_bytes(this.body));
    } finally {
      await this.disconnect();
    }
    throw new StopConsumer();
  }

  async http_disconnect(_message: HTTPDisconnectEvent): Promise<void> {
    await this.disconnect();
    throw new StopConsumer();
  }
}
