// The ASGI contract (asgiref specs/www.rst), as the rest of the core speaks it.
// Python `bytes` are Uint8Array; header names and values stay bytes, as Daphne sends them.

export type Bytes = Uint8Array;
export type Headers = Array<[Bytes, Bytes]>;
export interface URLRoute { args: unknown[]; kwargs: Record<string, unknown> }

interface ConnectionScope {
  path: string;
  raw_path?: Bytes | null;
  query_string: Bytes;
  headers: Headers;
  client?: [string, number] | null;
  server?: [string, number | null] | null;
  root_path?: string;
  scheme?: string;
  asgi?: { version: string; spec_version?: string };
  /** What the server offers beyond the spec, by name. */
  extensions?: Readonly<Record<string, object>>;
  url_route?: URLRoute;
  path_remaining?: string;
  /** Middleware keys (cookies, session, user, ...) and server extensions. */
  [key: string]: unknown;
}
export interface WebSocketScope extends ConnectionScope { type: "websocket"; subprotocols: string[] }
export interface HTTPScope extends ConnectionScope { type: "http"; method: string; http_version: string }
export interface ChannelScope {
  type: "channel";
  channel: string;
  url_route?: URLRoute;
  [key: string]: unknown;
}
export type Scope = WebSocketScope | HTTPScope | ChannelScope;

// Server -> application
export interface WebSocketConnectEvent { type: "websocket.connect" }
export interface WebSocketReceiveEvent { type: "websocket.receive"; text?: string | null; bytes?: Bytes | null }
export interface WebSocketDisconnectEvent { type: "websocket.disconnect"; code: number | null; reason?: string }
export interface HTTPRequestEvent { type: "http.request"; body?: Bytes; more_body?: boolean }
export interface HTTPDisconnectEvent { type: "http.disconnect" }
export type ASGIReceiveEvent =
  | WebSocketConnectEvent | WebSocketReceiveEvent | WebSocketDisconnectEvent | HTTPRequestEvent | HTTPDisconnectEvent;

// Application -> server
export interface WebSocketAcceptEvent { type: "websocket.accept"; subprotocol?: string | null; headers?: Headers }
export interface WebSocketSendEvent { type: "websocket.send"; text?: string | null; bytes?: Bytes | null }
export interface WebSocketCloseEvent { type: "websocket.close"; code?: number; reason?: string }
/** Extension: a close with any code a server may send (1012 service restart, ...), where the server offers it in `scope.extensions`. */
export interface WebSocketServerCloseEvent { type: "websocket.server_close"; code: number; reason?: string }
export interface HTTPResponseStartEvent { type: "http.response.start"; status: number; headers?: Headers }
export interface HTTPResponseBodyEvent { type: "http.response.body"; body?: Bytes; more_body?: boolean }
export type ASGISendEvent =
  | WebSocketAcceptEvent | WebSocketSendEvent | WebSocketCloseEvent | WebSocketServerCloseEvent
  | HTTPResponseStartEvent | HTTPResponseBodyEvent;

/** A channel-layer message: any plain object whose `type` names the handler (`chat.message` -> `chat_message`). */
export interface ChannelMessage { type: string; [key: string]: unknown }

export type Receive = () => Promise<ASGIReceiveEvent>;
export type Send = (message: ASGISendEvent) => Promise<void>;
export type ASGIApp = (scope: Scope, receive: Receive, send: Send) => Promise<void>;
