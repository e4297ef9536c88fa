// ASGI scopes from Node requests, built as Daphne builds them.
import type { IncomingMessage } from "node:http";
import type { Headers, HTTPScope, WebSocketScope } from "../channels/index.ts";
import { latin1_encode } from "../channels/util/bytes.ts";
import { split_path, unquote } from "../channels/util/url.ts";

/** Lower-cased names, latin-1 bytes; names containing "_" are dropped (Daphne's guard for CVE-2015-0219). */
export function scope_headers(req: IncomingMessage): Headers {
  const raw = req.rawHeaders;
  const headers: Headers = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.includes("_")) continue;
    headers.push([latin1_encode(name.toLowerCase()), latin1_encode(raw[i + 1]!)]);
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

function paths(req: IncomingMessage): { path: string; raw_path: Uint8Array; query_string: Uint8Array } {
  const [raw_path, query] = split_path(req.url ?? "/");
  return { path: unquote(raw_path), raw_path: latin1_encode(raw_path), query_string: latin1_encode(query) };
}

export function websocket_scope(req: IncomingMessage): WebSocketScope {
  const offered = req.headers["sec-websocket-protocol"];
  return {
    type: "websocket",
    asgi: { version: "3.0" },
    ...paths(req),
    headers: scope_headers(req),
    ...endpoints(req),
    subprotocols: offered === undefined ? [] : unquote(offered).split(",").map((p) => p.trim()),
  };
}

export function http_scope(req: IncomingMessage): HTTPScope {
  return {
    type: "http",
    asgi: { version: "3.0" },
    http_version: req.httpVersion,
    method: req.method ?? "GET",
    scheme: "http",
    root_path: "",
    ...paths(req),
    headers: scope_headers(req),
    ...endpoints(req),
  };
}
