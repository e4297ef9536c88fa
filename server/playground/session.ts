// One playground session: the learner's code, where it runs (an app host per language, app-host.ts), the
// test clients connected to it, and the trace. Test clients connect to /ws/play/<session>/...; the protocol
// server runs `serve` as their ASGI app, which relays ASGI messages to the app host, so Daphne's rules are
// applied by the real server as for any app.
import { randomBytes } from "node:crypto";
import type { Receive, Scope, Send, WebSocketScope } from "../channels/index.ts";
import { latin1_decode } from "../channels/util/bytes.ts";
import { create_hosts, type AppHost, type BrowserHost, type TabMessage } from "./app-host.ts";
import { OpRelay } from "./op-relay.ts";
import { PlayConnection, SandboxAppError } from "./play-connection.ts";
import { CLIENT_LABEL_PARAM, CONTROL_CLOSE, DEFAULT_LANGUAGE, type Diagnostic, type Language, type Suspect } from "./protocol.ts";
import type { StopReason } from "./sandbox/ipc.ts";
import type { WireScope } from "./sandbox/ops.ts";
import type { SandboxListener } from "./supervisor.ts";
import { TraceLog, type TraceSink } from "./trace.ts";

/** A control socket that said hello: it watches the trace, and its tab may run the session's app (app-host.ts). */
export interface Viewer extends TraceSink, BrowserHost {
  drop(code: number): Promise<void>;
}

/** Viewers of one session at once; a newer one takes the oldest's place (a duplicated tab, a reload). */
export const MAX_VIEWERS = 4;

export interface SessionOptions {
  handler_timeout_ms: number;
  memory_mb: number;
  max_connections: number;
  trace_buffer: number;
  /** The protocol server's handshake timeout, to tell a dropped handshake from a client that left. */
  handshake_timeout_s: number;
  /** The server's log, for what an operator should see (an app host that sent malformed ops). */
  log?: (message: string) => void;
}

export interface RunResult {
  ok: boolean;
  version: number;
  diagnostics: Diagnostic[];
  applied_ms?: number;
  error?: string;
}

const token = (bytes: number) => randomBytes(bytes).toString("base64url");

export class Session {
  readonly id = token(16);
  readonly token = token(32);
  readonly started_epoch = Date.now();
  last_active = Date.now();
  code = "";
  version = 0;
  readonly trace: TraceLog;
  private readonly hosts: Record<Language, AppHost>;
  /** The host serving the session's current version. */
  private host: AppHost;
  private readonly connections = new Map<string, PlayConnection>();
  private readonly viewers: Viewer[] = [];
  private readonly relay: OpRelay;
  private next_cid = 1;
  private next_version = 1;
  private runs: Promise<unknown> = Promise.resolve();
  /** Settled once some version is serving; connections wait for it. */
  private ready: Promise<void>;
  private mark_ready!: () => void;
  private closed = false;

  constructor(readonly options: SessionOptions) {
    this.trace = new TraceLog({ records: options.trace_buffer }, this.started_epoch);
    this.relay = new OpRelay(this.trace, this.connections, (message) => options.log?.(`Session ${this.id.slice(0, 8)}…: ${message}`));
    this.ready = new Promise((resolve) => (this.mark_ready = resolve));
    const listener = (language: Language): SandboxListener => ({
      ops: (ops, bytes, version) => this.relay.apply(ops, bytes, version),
      stopped: (...args) => this.on_stopped(this.hosts[language], ...args),
    });
    this.hosts = create_hosts(listener, { handler_timeout_ms: options.handler_timeout_ms, memory_mb: options.memory_mb });
    this.host = this.hosts[DEFAULT_LANGUAGE];
  }

  /** The language of the code being served. */
  get language(): Language {
    return this.host.language;
  }

  get connection_count(): number {
    return this.connections.size;
  }

  /** Tracing costs a little per message, so it runs while someone watches the session. */
  set_tracing(on: boolean): void {
    for (const host of Object.values(this.hosts)) host.set_tracing(on);
  }

  /** Compiles and applies new code; runs are applied one at a time, in order. */
  run(code: string, language: Language = DEFAULT_LANGUAGE): Promise<RunResult> {
    const result = this.runs.then(() => this.apply(this.hosts[language], code));
    this.runs = result.catch(() => undefined);
    return result;
  }

  get viewer_count(): number {
    return this.viewers.length;
  }

  /** A control socket said hello: it gets the trace from `since` on, and a host that runs apps in tabs takes it. */
  attach_viewer(viewer: Viewer, since: number): void {
    this.last_active = Date.now();
    this.viewers.push(viewer);
    if (this.viewers.length > MAX_VIEWERS) {
      const oldest = this.viewers[0]!;
      this.detach_viewer(oldest);
      void oldest.drop(CONTROL_CLOSE.REPLACED);
    }
    this.trace.attach(viewer, since);
    this.set_tracing(true);
    for (const host of Object.values(this.hosts)) if (host.attach(viewer) && host === this.host) void this.restart();
  }

  detach_viewer(viewer: Viewer): void {
    const at = this.viewers.indexOf(viewer);
    if (at === -1) return;
    this.viewers.splice(at, 1);
    this.trace.detach(viewer);
    for (const host of Object.values(this.hosts)) host.detach(viewer);
    if (this.viewers.length === 0) this.set_tracing(false);
  }

  /** A viewer's message about the app running in its tab: the host that runs apps there takes it. */
  from_viewer(viewer: BrowserHost, message: TabMessage): void {
    for (const host of Object.values(this.hosts)) host.from_viewer(viewer, message);
  }

  /** Loads `code` on `host` as a new version; only if it loads does it replace what serves. */
  private async apply(host: AppHost, code: string): Promise<RunResult> {
    const started = performance.now();
    this.last_active = Date.now();
    const version = this.next_version++;
    const outcome = await host.load(version, code);
    if (!outcome.ok) {
      this.trace.add({ kind: "error", message: outcome.message, stack: outcome.stack, code: outcome.code });
      if (outcome.stage === "compile") return { ok: false, version: this.version, diagnostics: outcome.diagnostics };
      this.trace.add({ kind: "lifecycle", event: "load_failed", version, detail: `version ${this.version} keeps serving` });
      return { ok: false, version: this.version, diagnostics: outcome.diagnostics, error: outcome.message };
    }
    if (host !== this.host) this.host.retire();
    this.host = host;
    this.serve_version(version, code, outcome.detail);
    return { ok: true, version, diagnostics: [], applied_ms: performance.now() - started };
  }

  /** A version loaded: it serves new connections, and the ones the old version served reconnect to it. */
  private serve_version(version: number, code: string, detail: string): void {
    const previous = this.version;
    this.version = version;
    this.code = code;
    this.mark_ready();
    this.trace.add({ kind: "lifecycle", event: "applied", version, detail });
    // Open connections were served by the old code: close them with 1012 so the clients reconnect to the new.
    for (const conn of this.connections.values()) if (conn.version === previous) this.server_close(conn, 1012, "code reloaded");
  }

  /** Closes an open connection with `code`; one still in its handshake is refused (HTTP 403) at once. */
  private server_close(conn: PlayConnection, code: number, reason: string): void {
    const tag = { id: conn.cid, label: conn.label };
    if (conn.accepted) this.trace.add({ kind: "server", event: code === 1012 ? "restarted" : "closed", code, detail: reason, conn: tag });
    else this.trace.add({ kind: "server", event: "rejected", code: 403, detail: `${reason} before the handshake completed`, conn: tag });
    try {
      void conn.send(conn.accepted ? { type: "websocket.server_close", code, reason } : { type: "websocket.close" });
    } catch {
      // already closed
    }
    // A tab keeps app instances until told (a sandbox's go with its isolate, and the drop is ignored).
    conn.host.event({ k: "drop", cid: conn.cid });
    conn.finish();
  }

  /** The ASGI app for one test client (the scope is routed: path_remaining is the path under the session). */
  async serve(scope: Scope, receive: Receive, send: Send): Promise<void> {
    this.last_active = Date.now();
    const cid = `c${this.next_cid++}`;
    const ws = scope as WebSocketScope;
    const query = new URLSearchParams(latin1_decode(ws.query_string));
    const label = (query.get(CLIENT_LABEL_PARAM) ?? `client ${cid.slice(1)}`).slice(0, 40);
    query.delete(CLIENT_LABEL_PARAM);
    if (this.connections.size >= this.options.max_connections) {
      this.trace.add({ kind: "server", event: "rejected", code: 403, detail: `session full: at most ${this.options.max_connections} connections`, conn: { id: cid, label } });
      await receive();
      await send({ type: "websocket.close" });
      return;
    }
    const unavailable = this.host.unavailable();
    if (unavailable !== null) {
      this.trace.add({ kind: "server", event: "rejected", code: 403, detail: unavailable, conn: { id: cid, label } });
      await receive();
      await send({ type: "websocket.close" });
      return;
    }
    await this.ready;
    const conn = new PlayConnection(cid, label, this.version, this.host, send);
    this.connections.set(cid, conn);
    const path = `/${String(scope.path_remaining ?? "")}`;
    const wire: WireScope = {
      path, raw_path: path, query_string: query.toString(),
      headers: ws.headers.map(([k, v]) => [latin1_decode(k), latin1_decode(v)]),
      subprotocols: ws.subprotocols, client: ws.client ?? null, server: ws.server ?? null,
    };
    this.trace.add({ kind: "connect", conn: { id: cid, label }, path, query_string: wire.query_string, subprotocols: ws.subprotocols });
    conn.host.event({ k: "open", cid, label, scope: wire });
    void this.pump(conn, receive);
    try {
      await conn.done;
    } finally {
      this.connections.delete(cid);
      this.last_active = Date.now();
    }
  }

  /** Relays the client's events to the sandbox until it disconnects. */
  private async pump(conn: PlayConnection, receive: Receive): Promise<void> {
    for (;;) {
      let event;
      try {
        event = await receive();
      } catch {
        return conn.finish(); // the server stopped this connection
      }
      if (conn.finished) return;
      if (event.type === "websocket.disconnect") {
        if (!conn.accepted) {
          const waited = (Date.now() - conn.opened) / 1000;
          const timed_out = waited >= this.options.handshake_timeout_s - 0.2;
          this.trace.add({
            kind: "server", event: timed_out ? "handshake_timeout" : "disconnected", code: event.code ?? undefined,
            detail: timed_out ? `the handshake was dropped after ${this.options.handshake_timeout_s} s: the consumer never accepted or closed` : "the client left before the handshake completed",
            conn: { id: conn.cid, label: conn.label },
          });
        }
      }
      const backend = conn.host;
      if (event.type === "websocket.receive" && event.bytes) {
        backend.event({ k: "event", cid: conn.cid, event: { type: event.type } }, event.bytes);
      } else {
        backend.event({ k: "event", cid: conn.cid, event: { ...event } });
      }
      if (event.type === "websocket.disconnect") return;
      // The app is behind: leave the client's next events in its socket until it catches up.
      const behind = backend.backlog();
      if (behind !== null) await behind;
    }
  }

  /** The sandbox stopped: its connections close with 1011, and the same code is loaded again for new ones. */
  private on_stopped(host: AppHost, reason: StopReason, detail: string, suspect: Suspect, version: number): void {
    if (this.closed) return;
    const why = reason === "timeout"
      ? `${suspect.handler ? `${suspect.handler}` : suspect.timer ? `a timer callback` : "a handler"} ran longer than ${this.options.handler_timeout_ms} ms and was stopped`
      : host.stop_text(reason, detail);
    this.trace.add({
      kind: "error", message: why, code: reason === "timeout" ? "HANDLER_TIMEOUT" : reason === "memory" ? "MEMORY_LIMIT" : "SANDBOX_CRASHED",
      handler: suspect.handler, conn: suspect.cid ? { id: suspect.cid, label: suspect.label ?? suspect.cid } : undefined,
    });
    for (const conn of [...this.connections.values()]) {
      if (conn.host !== host || (conn.version !== version && version !== 0)) continue;
      this.trace.add({ kind: "server", event: "app_error", code: 1011, detail: why, conn: { id: conn.cid, label: conn.label } });
      const error = new SandboxAppError(why);
      conn.finish(error);
    }
    this.trace.add({ kind: "lifecycle", event: "stopped", version, detail: why });
    if (host === this.host) void this.restart();
  }

  /** Loads the current code again after a stop, so that new connections are served. */
  private async restart(): Promise<void> {
    if (this.closed || this.version === 0 || this.host.unavailable() !== null) return;
    this.ready = new Promise((resolve) => (this.mark_ready = resolve));
    const version = this.next_version++;
    const outcome = await this.host.load(version, this.code);
    if (outcome.ok) {
      this.version = version;
      this.trace.add({ kind: "lifecycle", event: "restarted", version });
      this.mark_ready();
    }
  }

  /** Ends the session; its viewers are told it expired (the UI starts a new one). */
  close(): void {
    this.closed = true;
    for (const viewer of [...this.viewers]) void viewer.drop(CONTROL_CLOSE.EXPIRED);
    for (const conn of this.connections.values()) this.server_close(conn, 1001, "session closed");
    for (const host of Object.values(this.hosts)) host.close();
  }
}
