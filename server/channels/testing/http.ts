// HttpCommunicator (channels/testing/http.py).
import type { ASGIApp, Bytes, Headers } from "../types.ts";
import { concat_bytes, to_bytes } from "../util/bytes.ts";
import { split_path, unquote } from "../util/url.ts";
import { ApplicationCommunicator, assert } from "./application.ts";
import { type HeadersInit, to_header_list } from "./websocket.ts";

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Bytes;
}

export class HttpCommunicator extends ApplicationCommunicator {
  private readonly body: Bytes;
  private sent_request = false;

  constructor(application: ASGIApp, method: string, path: string, body: Bytes | string = new Uint8Array(), headers?: HeadersInit) {
    const [raw_path, query] = split_path(path);
    super(application, {
      type: "http",
      http_version: "1.1",
      method: method.toUpperCase(),
      path: unquote(raw_path),
      query_string: to_bytes(query),
      headers: to_header_list(headers),
    });
    this.body = to_bytes(body);
  }

  /** Sends the request (once) and collects the response start and every body chunk. */
  async get_response(timeout = 1): Promise<HttpResponse> {
    if (!this.sent_request) {
      this.sent_request = true;
      await this.send_input({ type: "http.request", body: this.body });
    }
    const start = await this.receive_output(timeout);
    assert(start.type === "http.response.start", `Expected http.response.start, got ${start.type}`);
    const chunks: Bytes[] = [];
    for (;;) {
      const chunk = await this.receive_output(timeout);
      assert(chunk.type === "http.response.body", `Expected http.response.body, got ${chunk.type}`);
      assert(chunk.body === undefined || chunk.body instanceof Uint8Array, "Body is not bytes");
      chunks.push(chunk.body ?? new Uint8Array());
      if (!chunk.more_body) break;
    }
    return { status: start.status, headers: start.headers ?? [], body: concat_bytes(chunks) };
  }
}
