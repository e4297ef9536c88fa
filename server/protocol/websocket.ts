// One websocket connection, as Daphne runs it: the handshake waits for the app's accept; the core's
// WebSocketState decides what each app message does on the wire.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import {
  CancelledError, WebSocketProtocolError, WebSocketState, type ASGIApp, type ASGISendEvent, type WebSocketAction,
} from "../channels/index.ts";
import { latin1_decode } from "../channels/util/bytes.ts";
import { ApplicationInstance } from "./instance.ts";
import type { ServerContext } from "./context.ts";
import { websocket_scope } from "./scope.ts";

const RESOLVED = Promise.resolve();
/** Handed to ws's handleProtocols through the request: the subprotocol the app accepted with. */
export const CHOSEN_SUBPROTOCOL = Symbol("chosen subprotocol");
export const ACCEPT_HEADERS = Symbol("accept headers");
type UpgradeRequest = IncomingMessage & { [CHOSEN_SUBPROTOCOL]?: string | null; [ACCEPT_HEADERS]?: string[] };

export class WebSocketConnection {
  readonly state: WebSocketState;
  readonly instance: ApplicationInstance;
  ws: WebSocket | null = null;
  /** Set by the keep-alive sweep: a frame or pong arrived since the last sweep. */
  active = true;
  ping_sent_at = 0;
  private handshake_timer: NodeJS.Timeout | null;
  private disconnected = false;
  private paused = false;

  constructor(
    private readonly ctx: ServerContext,
    app: ASGIApp,
    private readonly req: UpgradeRequest,
    private readonly socket: Duplex,
    private head: Buffer,
  ) {
    const scope = websocket_scope(req);
    this.state = new WebSocketState(scope.subprotocols);
    socket.on("error", () => {}); // a reset mid-handshake ends in "close"; nothing to report
    // Reading while the app decides is what notices a client that leaves; a client may not send frames
    // before the 101, so anything read is kept for ws.
    socket.on("data", this.on_handshake_data);
    socket.once("end", this.on_handshake_end);
    socket.once("close", this.on_handshake_socket_close);
    this.handshake_timer = setTimeout(this.on_handshake_timeout, ctx.options.handshake_timeout * 1000);
    ctx.connection_opened(this);
    this.instance = new ApplicationInstance(app, scope, this.send);
    ctx.track(this.instance);
    this.instance.put({ type: "websocket.connect" });
    this.instance.done.then(() => this.on_app_end(undefined), (error: unknown) => this.on_app_end(error));
  }

  /** The app's `send`: applies Daphne's rules and throws their errors to the caller, as Daphne's send does. */
  readonly send = (message: ASGISendEvent): Promise<void> => {
    const action = this.state.apply(message);
    if (action.kind === "send") this.send_frame(action.data);
    else if (action.kind !== "ignore") this.act(action);
    return RESOLVED;
  };

  private send_frame(data: string | Uint8Array): void {
    const max = this.ctx.options.max_message_size;
    const size = typeof data === "string" ? (data.length * 3 <= max ? 0 : Buffer.byteLength(data)) : data.length;
    if (size > max) {
      throw new WebSocketProtocolError(
        `Outgoing message of ${size} bytes exceeds the ${max}-byte limit (max_message_size)`, "WS_MESSAGE_TOO_BIG", 1011,
      );
    }
    this.ws!.send(data);
  }

  private act(action: WebSocketAction): void {
    switch (action.kind) {
      case "accept": return this.complete_handshake(action.subprotocol, action.headers);
      case "reject": return this.refuse(403, "Access denied");
      case "close": return this.ws!.close(action.code, action.reason);
      case "drop_empty": return this.ctx.log.debug("Dropped an empty websocket.send payload, as Daphne does");
    }
  }

  private complete_handshake(subprotocol: string | null, headers: Array<[Uint8Array, Uint8Array]>): void {
    this.clear_handshake_timer();
    // ws adds its own "data" listener within this same tick; pausing here would stop it from ever reading.
    this.socket.removeListener("data", this.on_handshake_data);
    this.socket.removeListener("end", this.on_handshake_end);
    this.req[CHOSEN_SUBPROTOCOL] = subprotocol;
    this.req[ACCEPT_HEADERS] = headers.map(([k, v]) => `${latin1_decode(k)}: ${latin1_decode(v)}`);
    this.ctx.wss.handleUpgrade(this.req, this.socket, this.head, (ws) => this.on_open(ws));
  }

  private on_open(ws: WebSocket): void {
    this.ws = ws;
    this.socket.removeListener("close", this.on_handshake_socket_close);
    ws.on("message", (data: Buffer, is_binary: boolean) => {
      this.active = true;
      this.instance.put(is_binary ? { type: "websocket.receive", bytes: data } : { type: "websocket.receive", text: data.toString() });
      if (!this.paused && this.instance.backlog >= this.ctx.options.max_backlog) {
        // The app is behind: stop reading this socket until it catches up, so its queue stays bounded.
        this.paused = true;
        ws.pause();
        this.instance.when_backlog_at(Math.floor(this.ctx.options.max_backlog / 2), () => {
          this.paused = false;
          ws.resume();
        });
      }
    });
    ws.on("pong", () => (this.active = true));
    ws.on("error", (error) => this.ctx.log.debug(`websocket error: ${error.message}`));
    ws.on("close", (code: number) => this.on_disconnect(code === 1005 ? null : code));
  }

  private refuse(status: 403 | 500, reason: string): void {
    this.clear_handshake();
    // Exactly Daphne's answer: a status line and nothing else. Destroyed once flushed, as ws's abortHandshake does.
    if (this.socket.writable) {
      this.socket.once("finish", () => this.socket.destroy());
      this.socket.end(`HTTP/1.1 ${status} ${reason}\r\n\r\n`);
    } else {
      this.socket.destroy();
    }
    this.on_disconnect(1006);
  }

  private readonly on_handshake_timeout = (): void => {
    this.handshake_timer = null;
    this.ctx.log.warn(`WebSocket handshake for ${this.req.url} timed out after ${this.ctx.options.handshake_timeout} s: the application never accepted or closed`);
    this.state.disconnected();
    // A TCP reset and no HTTP answer, as autobahn's handshake timeout does.
    const socket = this.socket as Duplex & { resetAndDestroy?: () => void };
    if (socket.resetAndDestroy) socket.resetAndDestroy();
    else socket.destroy();
    this.on_disconnect(1006);
  };

  private readonly on_handshake_end = (): void => {
    this.socket.destroy(); // the client gave up before the app answered
  };

  private readonly on_handshake_data = (chunk: Buffer): void => {
    this.head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
    if (this.head.length > this.ctx.options.max_message_size) this.socket.destroy(); // data before the 101 is a broken client
  };

  private readonly on_handshake_socket_close = (): void => {
    if (this.ws === null) this.on_disconnect(1006); // the client left before the handshake completed
  };

  private clear_handshake_timer(): void {
    if (this.handshake_timer !== null) clearTimeout(this.handshake_timer);
    this.handshake_timer = null;
  }

  private clear_handshake(): void {
    this.clear_handshake_timer();
    this.socket.removeListener("close", this.on_handshake_socket_close);
    this.socket.removeListener("data", this.on_handshake_data);
    this.socket.removeListener("end", this.on_handshake_end);
  }

  private on_disconnect(code: number | null): void {
    if (this.disconnected) return;
    this.disconnected = true;
    this.clear_handshake();
    this.state.disconnected();
    this.instance.put({ type: "websocket.disconnect", code });
    this.ctx.connection_closed(this);
    this.ctx.client_left(this.instance, `websocket ${this.req.url}`);
  }

  private on_app_end(error: unknown): void {
    if (error === undefined || (error instanceof CancelledError && this.instance.killed)) return;
    this.ctx.log.error(`Exception inside application: ${error instanceof Error ? error.message : String(error)}`, error);
    if (this.disconnected) return;
    if (this.ws === null) this.refuse(500, "Internal server error");
    else this.ws.close(1011);
  }

  /** Ends the connection for a server shutdown. */
  shutdown(): void {
    if (this.ws !== null) this.ws.close(1001);
    else this.socket.destroy();
  }
}

/** ws's handleProtocols: the subprotocol this connection's app accepted with (false: none). */
export function accepted_subprotocol(_offered: Set<string>, req: IncomingMessage): string | false {
  return (req as UpgradeRequest)[CHOSEN_SUBPROTOCOL] ?? false;
}

/** ws's "headers" event: the extra headers the app's websocket.accept carried. */
export function add_accept_headers(headers: string[], req: IncomingMessage): void {
  headers.push(...((req as UpgradeRequest)[ACCEPT_HEADERS] ?? []));
}
