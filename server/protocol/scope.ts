// ASGI scopes from Node requests, built as Daphne builds them.
import type { IncomingMessage } from "node:http";
import type { Headers, HTTPScope, WebSocketScope } from "../channels/index.ts";
import { lazy_keys, type LazyKeys } from "../channels/scope-copy.ts";
import { split_path, unquote } from "../channels/util/url.ts";

/**
 * Lower-cased names, latin-1 bytes; names containing "_" are dropped (Daphne's guard for CVE-2015-0219).
 * All of a request's header bytes share one buffer: a connection keeps its scope as long as it is open.
 */
export function scope_headers(raw: readonly string[]): Headers {
  let size = 0;
  for (let i = 0; i < raw.length; i += 2) if (!raw[i]!.includes("_")) size += raw[i]!.length + raw[i + 1]!.length;
  const bytes = Buffer.allocUnsafe(size);
  const headers: Headers = [];
  let offset = 0;
  const take = (text: string) => {
    const start = offset;
    offset += bytes.write(text, offset, "latin1");
    return bytes.subarray(start, offset);
  };
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.includes("_")) continue;
    headers.push([take(name.toLowerCase()), take(raw[i + 1]!)]);
  }
  return headers;
}

const unmap = (address: string | undefined) => (address?.startsWith("::ffff:") ? address.slice(7) : (address ?? ""));

function endpoints(req: IncomingMessage): Pick<WebSocketScope, "client" | "server"> {
  const s = req.socket;
  return {
    client: s.remoteAddress === undefined ? null : [unmap(s.remoteAddress), s.remotePort ?? 0],
    server: s.localAddress === undefined ? null : [unmap(s.localAddress), s.localPort ?? null],
  };
}

/**
 * The bytes keys (headers, raw_path, query_string) are built on first read: a connection keeps its scope as
 * long as it is open, Node's strings are far smaller than byte views, and most apps never read them again.
 */
class RequestBytes implements LazyKeys {
  readonly keys = BYTES_KEYS;

  constructor(private readonly raw_headers: readonly string[], private readonly raw_path: string, private readonly query: string) {}

  compute(key: string): unknown {
    if (key === "headers") return scope_headers(this.raw_headers);
    return Buffer.from(key === "raw_path" ? this.raw_path : this.query, "latin1");
  }
}

const BYTES_KEYS = ["raw_path", "query_string", "headers"] as const;

function bytes_keys(scope: object, req: IncomingMessage, raw_path: string, query: string): void {
  lazy_keys(scope, new RequestBytes(req.rawHeaders, raw_path, query));
}

export function websocket_scope(req: IncomingMessage): WebSocketScope {
  const offered = req.headers["sec-websocket-protocol"];
  const [raw_path, query] = split_path(req.url ?? "/");
  const scope = {
    type: "websocket",
    asgi: ASGI,
    path: unquote(raw_path),
    ...endpoints(req),
    subprotocols: offered === undefined ? [] : unquote(offered).split(",").map((p) => p.trim()),
    extensions: EXTENSIONS,
  } as WebSocketScope;
  bytes_keys(scope, req, raw_path, query);
  return scope;
}

export function http_scope(req: IncomingMessage): HTTPScope {
  const [raw_path, query] = split_path(req.url ?? "/");
  const scope = {
    type: "http",
    asgi: ASGI,
    http_version: req.httpVersion,
    method: req.method ?? "GET",
    scheme: "http",
    root_path: "",
    path: unquote(raw_path),
    ...endpoints(req),
  } as HTTPScope;
  bytes_keys(scope, req, raw_path, query);
  return scope;
}

/** What this server offers beyond the ASGI spec (see WebSocketServerCloseEvent). */
const EXTENSIONS: Readonly<Record<string, object>> = Object.freeze({ "websocket.server_close": Object.freeze({}) });

/** Shared by every scope: Daphne's `{"version": "3.0"}`, never changed by apps. */
const ASGI = Object.freeze({ version: "3.0" }) as { version: string };
