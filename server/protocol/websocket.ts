// One websocket connection, as Daphne runs it: the handshake waits for the app's accept; the core's
// WebSocketState decides what each app message does on the wire. An idle connection costs what this
// object holds, so listeners are shared functions that find their connection through the socket, and the
// upgrade request is let go once the handshake is done.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import {
  CancelledError, WebSocketProtocolError, WebSocketState, type ASGIApp, type ASGISendEvent, type Headers,
} from "../channels/index.ts";
import { latin1_decode } from "../channels/util/bytes.ts";
import type { ServerContext } from "./context.ts";
import { ApplicationInstance, type InstanceOwner } from "./instance.ts";
import { log_app_error } from "./errors.ts";
import { Congestion, type OutboundLimitError, write_limit_error, write_timeout_error } from "./outbound.ts";
import { websocket_scope } from "./scope.ts";

const RESOLVED = Promise.resolve();
const CONNECTION = Symbol("websocket connection");
/** Handed to ws through the request: the subprotocol and extra headers the app accepted with. */
const CHOSEN_SUBPROTOCOL = Symbol("chosen subprotocol");
const ACCEPT_HEADERS = Symbol("accept headers");
type UpgradeRequest = IncomingMessage & { [CHOSEN_SUBPROTOCOL]?: string | null; [ACCEPT_HEADERS]?: string[] };
type Owned<T> = T & { [CONNECTION]?: WebSocketConnection };

// Shared listeners: `this` is the socket (or ws) that emitted, which carries its connection. The handshake
// listeners stay attached but do nothing once ws owns the socket: removing a listener deletes a property of
// the emitter's listener table, which costs every open connection a slow dictionary-mode object.
function on_handshake_data(this: Owned<Duplex>, chunk: Buffer): void { this[CONNECTION]!.handshake_data(chunk); }
function on_handshake_end(this: Owned<Duplex>): void { if (this[CONNECTION]!.handshaking) this.destroy(); } // the client gave up
function on_handshake_close(this: Owned<Duplex>): void { this[CONNECTION]!.handshake_socket_closed(); }
function on_handshake_timeout(connection: WebSocketConnection): void { connection.handshake_timed_out(); }
function ignore(): void {}
function on_message(this: Owned<WebSocket>, data: Buffer, is_binary: boolean): void { this[CONNECTION]!.frame(data, is_binary); }
function on_pong(this: Owned<WebSocket>): void { this[CONNECTION]!.active = true; }
function on_ping(this: Owned<WebSocket>): void { this[CONNECTION]!.pinged(); }
function on_drain(this: Owned<Duplex>): void { this[CONNECTION]!.drained(); }
function terminate(ws: WebSocket): void { ws.terminate(); }
function on_close(this: Owned<WebSocket>, code: number): void { this[CONNECTION]!.disconnect(code === 1005 ? null : code); }
function uncork(connection: WebSocketConnection): void { connection.flush(); }

export class WebSocketConnection implements InstanceOwner {
  readonly state: WebSocketState;
  readonly instance: ApplicationInstance;
  ws: WebSocket | null = null;
  /** Set by the keep-alive sweep: a frame or pong arrived since the last sweep. */
  active = true;
  ping_sent_at = 0;
  readonly url: string;
  private req: UpgradeRequest | null;
  private socket: Owned<Duplex> | null;
  private handshake_timer: NodeJS.Timeout | null;
  private disconnected = false;
  private paused = false;
  private corked = false;
  /** Set while the outbound buffer is over write_high_water_mark (see outbound.ts). */
  private congestion: Congestion | null = null;
  private drain_listened = false;
  /** True until the app answered the handshake (or the connection ended before it did). */
  handshaking = true;

  constructor(private readonly ctx: ServerContext, app: ASGIApp, req: IncomingMessage, socket: Duplex, private head: Buffer) {
    const scope = websocket_scope(req);
    this.url = req.url ?? "/";
    this.req = req;
    this.socket = socket;
    this.state = new WebSocketState(scope.subprotocols);
    this.socket[CONNECTION] = this;
    socket.on("error", ignore); // a reset mid-handshake ends in "close"; nothing to report
    // Reading while the app decides is what notices a client that leaves; a client may not send frames
    // before the 101, so anything read is kept for ws.
    socket.on("data", on_handshake_data);
    socket.on("end", on_handshake_end);
    socket.on("close", on_handshake_close);
    this.handshake_timer = setTimeout(on_handshake_timeout, ctx.options.handshake_timeout * 1000, this);
    ctx.connection_opened(this);
    this.instance = new ApplicationInstance(app, scope, this.send, this);
    ctx.track(this.instance);
    this.instance.put({ type: "websocket.connect" });
  }

  /** The app's `send`: applies Daphne's rules and throws their errors to the caller, as Daphne's send does. */
  readonly send = (message: ASGISendEvent): Promise<void> => {
    const action = this.state.apply(message);
    switch (action.kind) {
      case "send": return this.send_frame(action.data);
      case "accept": this.complete_handshake(action.subprotocol, action.headers); break;
      case "reject": this.refuse(403, "Access denied"); break;
      case "close": this.ws!.close(action.code, action.reason); break;
      case "drop_empty": this.ctx.log.debug("Dropped an empty websocket.send payload, as Daphne does"); break;
      case "ignore": break;
    }
    return RESOLVED;
  };

  private send_frame(data: string | Uint8Array): Promise<void> {
    const max = this.ctx.options.max_message_size;
    const size = typeof data === "string" ? (data.length * 3 <= max ? 0 : Buffer.byteLength(data)) : data.length;
    if (size > max) {
      throw new WebSocketProtocolError(
        `Outgoing message of ${size} bytes exceeds the ${max}-byte limit (max_message_size)`, "WS_MESSAGE_TOO_BIG", 1011,
      );
    }
    const socket = this.socket!;
    const { write_high_water_mark, write_limit } = this.ctx.options;
    // Checked before the write, so what a client that does not read would be sent past the limit is never
    // queued (a string's length undercounts its UTF-8 bytes by at most one message).
    if (socket.writableLength + data.length > write_limit) {
      this.overflow(write_limit_error(write_limit, "its messages"));
      return RESOLVED;
    }
    // Frames an app sends in one turn of the event loop leave in one write: the socket is corked on the
    // first and uncorked after the current microtasks, which is when a burst of handlers has run.
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(uncork, this);
    }
    this.ws!.send(data);
    return socket.writableLength <= write_high_water_mark ? RESOLVED : this.congested();
  }

  /** The buffer is over write_high_water_mark: sends wait for it to drain (an app that cannot wait meets write_limit). */
  private congested(): Promise<void> {
    if (this.congestion === null) {
      if (!this.drain_listened) {
        this.drain_listened = true;
        this.socket!.on("drain", on_drain);
      }
      const seconds = this.ctx.options.write_timeout;
      this.congestion = new Congestion(this.socket!, seconds * 1000, () => this.overflow(write_timeout_error(seconds)));
    }
    return this.congestion.drained;
  }

  /** The socket's buffer emptied (net's "drain"): sends waiting on it return. */
  drained(): void {
    const congestion = this.congestion;
    this.congestion = null;
    congestion?.end();
  }

  /** ws has queued the pong: a client that pings without reading meets the same limits as a slow reader. */
  pinged(): void {
    this.active = true;
    if (this.disconnected) return;
    const buffered = this.socket!.writableLength;
    if (buffered > this.ctx.options.write_limit) {
      this.overflow(write_limit_error(this.ctx.options.write_limit, "its pongs"));
    } else if (buffered > this.ctx.options.write_high_water_mark) {
      void this.congested();
    }
  }

  /**
   * Closes a connection whose client does not read. The close frame queues behind what the client is not
   * reading, so the socket is destroyed after CLOSE_GRACE_MS rather than ws's 30 s wait for the peer's reply;
   * the app gets its disconnect now, and what it sends from here is dropped.
   */
  private overflow(error: OutboundLimitError): void {
    if (this.disconnected) return;
    this.ctx.log.warn(`Closing websocket ${this.url} with ${error.close_code}: ${error.message} (${error.code})`);
    const ws = this.ws!;
    ws.close(error.close_code, error.code === "WS_WRITE_LIMIT" ? "write limit exceeded" : "write timeout");
    setTimeout(terminate, CLOSE_GRACE_MS, ws).unref();
    this.disconnect(error.close_code);
  }

  /** Bytes queued for the client and not yet handed to the kernel. */
  get outbound_bytes(): number {
    return this.ws === null ? 0 : this.socket!.writableLength;
  }

  flush(): void {
    this.corked = false;
    this.socket!.uncork();
  }

  private complete_handshake(subprotocol: string | null, headers: Headers): void {
    const req = this.req!;
    const socket = this.socket!;
    this.clear_handshake_timer();
    // From here ws reads the socket (pausing it would stop ws from ever reading): the handshake listeners go inert.
    this.handshaking = false;
    req[CHOSEN_SUBPROTOCOL] = subprotocol;
    req[ACCEPT_HEADERS] = headers.map(([k, v]) => `${latin1_decode(k)}: ${latin1_decode(v)}`);
    // ws hands the bytes read so far back to the socket with unshift(), which on a flowing socket emits them at
    // once, before ws's own "data" listener exists (and before ours for messages): paused, they wait in the
    // socket's buffer until resume() lets them flow, in order, to the listeners now in place.
    socket.pause();
    this.ctx.wss.handleUpgrade(req, socket, this.head, (ws) => this.open(ws));
    socket.resume();
  }

  private open(ws: WebSocket): void {
    this.req = null;
    this.head = EMPTY;
    this.ws = ws;
    (ws as Owned<WebSocket>)[CONNECTION] = this;
    ws.on("message", on_message);
    ws.on("pong", on_pong);
    ws.on("ping", on_ping);
    ws.on("error", ignore); // ws closes the connection itself; "close" reports it
    ws.on("close", on_close);
  }

  frame(data: Buffer, is_binary: boolean): void {
    this.active = true;
    this.instance.put(is_binary ? { type: "websocket.receive", bytes: data } : { type: "websocket.receive", text: data.toString() });
    const { max_backlog, max_backlog_bytes } = this.ctx.options;
    if (!this.paused && (this.instance.backlog >= max_backlog || this.instance.backlog_bytes >= max_backlog_bytes)) {
      // The app is behind: stop reading this socket until it catches up, so its queue stays bounded.
      this.paused = true;
      this.ws!.pause();
      this.instance.when_backlog_at(Math.floor(max_backlog / 2), Math.floor(max_backlog_bytes / 2), () => {
        this.paused = false;
        this.ws?.resume();
      });
    }
  }

  private refuse(status: 403 | 500, reason: string): void {
    const socket = this.socket!;
    this.clear_handshake();
    // Exactly Daphne's answer: a status line and nothing else. Destroyed once flushed, as ws's abortHandshake does.
    if (socket.writable) {
      socket.once("finish", () => socket.destroy());
      socket.end(`HTTP/1.1 ${status} ${reason}\r\n\r\n`);
    } else {
      socket.destroy();
    }
    this.disconnect(1006);
  }

  handshake_data(chunk: Buffer): void {
    if (!this.handshaking) return;
    this.head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
    if (this.head.length > this.ctx.options.max_message_size) this.socket!.destroy(); // data before the 101 is a broken client
  }

  handshake_timed_out(): void {
    this.handshake_timer = null;
    this.ctx.log.warn(`WebSocket handshake for ${this.url} timed out after ${this.ctx.options.handshake_timeout} s: the application never accepted or closed`);
    this.state.disconnected();
    // A TCP reset and no HTTP answer, as autobahn's handshake timeout does.
    const socket = this.socket as Duplex & { resetAndDestroy?: () => void };
    if (socket.resetAndDestroy) socket.resetAndDestroy();
    else socket.destroy();
    this.disconnect(1006);
  }

  /** The socket closed before ws took it over: the client left during the handshake. */
  handshake_socket_closed(): void {
    if (this.ws === null) this.disconnect(1006); // once ws owns the socket, its own "close" reports the end
  }

  private clear_handshake_timer(): void {
    if (this.handshake_timer !== null) clearTimeout(this.handshake_timer);
    this.handshake_timer = null;
  }

  private clear_handshake(): void {
    this.clear_handshake_timer();
    this.handshaking = false;
  }

  disconnect(code: number | null): void {
    if (this.disconnected) return;
    this.disconnected = true;
    if (this.ws === null) this.clear_handshake();
    this.state.disconnected();
    this.drained();
    this.instance.put({ type: "websocket.disconnect", code });
    this.req = null;
    this.ctx.connection_closed(this);
    this.ctx.client_left(this.instance, `websocket ${this.url}`);
  }

  app_ended(instance: ApplicationInstance, error: unknown): void {
    this.ctx.untrack(instance);
    if (error === undefined || (error instanceof CancelledError && instance.killed)) return;
    log_app_error(this.ctx, error);
    if (this.disconnected) return;
    if (this.ws === null) this.refuse(500, "Internal server error");
    else this.ws.close(1011);
  }

  /** Ends the connection for a server shutdown. */
  shutdown(): void {
    if (this.ws === null) return void this.socket?.destroy();
    this.ws.close(1001);
    // A client that reads nothing never answers the close: the server does not wait 30 s for it to stop.
    setTimeout(terminate, CLOSE_GRACE_MS, this.ws).unref();
  }
}

const EMPTY = Buffer.alloc(0);
/** How long a client closed for not reading has to take the close frame (autobahn's close handshake timeout). */
const CLOSE_GRACE_MS = 1000;

/** ws's handleProtocols: the subprotocol this connection's app accepted with (false: none). */
export function accepted_subprotocol(_offered: Set<string>, req: IncomingMessage): string | false {
  return (req as UpgradeRequest)[CHOSEN_SUBPROTOCOL] ?? false;
}

/** ws's "headers" event: the extra headers the app's websocket.accept carried. */
export function add_accept_headers(headers: string[], req: IncomingMessage): void {
  headers.push(...((req as UpgradeRequest)[ACCEPT_HEADERS] ?? []));
}
