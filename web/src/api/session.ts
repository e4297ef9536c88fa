// The browser's side of a playground session: creating it, and the control socket. Every frame from the
// server is parsed with the shared schema and a bad one is dropped with a warning; the socket reconnects
// only after an unclean close, with capped backoff, and resumes the trace where it left off.
import { CONTROL_CLOSE, ServerMessage, type ClientMessage, type Diagnostic, type Language, type TraceRecord } from "../../../server/playground/protocol.ts";

export interface SessionInfo {
  session: string;
  token: string;
  ws_path: string;
  control_path: string;
}

export type ControlState = "connecting" | "open" | "reconnecting" | "closed";

export interface RunOutcome {
  ok: boolean;
  version: number;
  diagnostics: Diagnostic[];
  applied_ms?: number;
  error?: string;
}

export interface SessionEvents {
  state(state: ControlState, detail?: string): void;
  welcome(message: Extract<ServerMessage, { type: "welcome" }>): void;
  trace(records: TraceRecord[], dropped: number): void;
  /** The session is gone (the server restarted or reaped it); a new one was made. */
  replaced(info: SessionInfo): void;
  /** For the tab's Python runner: a module to load, or events for its app's connections. */
  tab(message: Extract<ServerMessage, { type: "py_load" | "py_events" }>): void;
}

const STORAGE_KEY = "channels-playground:session";

async function create_session(): Promise<SessionInfo> {
  const response = await fetch("/api/sessions", { method: "POST" });
  if (!response.ok) throw new Error(`The playground could not start a session (HTTP ${response.status})`);
  const info = (await response.json()) as SessionInfo;
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(info));
  return info;
}

/** A tab keeps its session across reloads (sessionStorage); a new tab gets its own. */
function stored_session(): SessionInfo | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw === null ? null : (JSON.parse(raw) as SessionInfo);
  } catch {
    return null;
  }
}

export class SessionClient {
  info: SessionInfo | null = null;
  private ws: WebSocket | null = null;
  private last_seq = 0;
  private retry = 0;
  private pending_run: { resolve(outcome: RunOutcome): void } | null = null;
  private closed = false;

  constructor(private readonly events: SessionEvents) {}

  async start(): Promise<void> {
    this.info = stored_session() ?? (await create_session());
    this.connect();
  }

  private url(info: SessionInfo): string {
    return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${info.control_path}`;
  }

  private connect(): void {
    const info = this.info!;
    this.events.state(this.retry === 0 ? "connecting" : "reconnecting");
    const ws = new WebSocket(this.url(info));
    this.ws = ws;
    ws.onopen = () => this.send({ type: "hello", token: info.token, since: this.last_seq });
    ws.onmessage = (event) => this.receive(event.data);
    ws.onclose = (event) => void this.on_close(event);
  }

  /** Sends a control message if the socket is open (a Python runner's reports go through here). */
  send(message: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private receive(data: unknown): void {
    let parsed;
    try {
      parsed = ServerMessage.safeParse(JSON.parse(String(data)));
    } catch {
      console.warn("Dropped a control frame that is not JSON");
      return;
    }
    if (!parsed.success) {
      console.warn("Dropped a control frame that does not match the schema", parsed.error.issues);
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case "welcome":
        this.retry = 0;
        this.events.state("open");
        this.events.welcome(message);
        return;
      case "trace":
        if (message.records.length > 0) this.last_seq = message.records[message.records.length - 1]!.seq;
        this.events.trace(message.records, message.dropped ?? 0);
        return;
      case "run_result":
        this.pending_run?.resolve(message);
        this.pending_run = null;
        return;
      case "error":
        console.warn(`The session answered: ${message.code}: ${message.message}`);
        return;
      case "pong":
        return;
      case "py_load":
      case "py_events":
        this.events.tab(message);
        return;
    }
  }

  private async on_close(event: CloseEvent): Promise<void> {
    this.ws = null;
    this.pending_run?.resolve({ ok: false, version: 0, diagnostics: [], error: "The connection to the session closed" });
    this.pending_run = null;
    if (this.closed) return;
    if (event.code === CONTROL_CLOSE.UNKNOWN_SESSION || event.code === CONTROL_CLOSE.BAD_TOKEN || event.code === CONTROL_CLOSE.EXPIRED) {
      // The session is gone (server restart, reaped while idle): start a new one; the welcome re-applies the code.
      sessionStorage.removeItem(STORAGE_KEY);
      this.last_seq = 0;
      this.info = await create_session();
      this.events.replaced(this.info);
      this.connect();
      return;
    }
    if (event.code === CONTROL_CLOSE.REPLACED) {
      this.events.state("closed", "this session is open in a newer tab");
      return;
    }
    if (event.wasClean && event.code === 1000) {
      this.events.state("closed");
      return;
    }
    // Unclean: the server or the network went away. Reconnect with capped backoff.
    const delay = Math.min(10_000, 500 * 2 ** this.retry++);
    this.events.state("reconnecting", `reconnecting in ${Math.round(delay / 1000)} s`);
    setTimeout(() => this.connect(), delay);
  }

  /** Applies code; resolves with the compile or load result. */
  run(code: string, language: Language = "typescript"): Promise<RunOutcome> {
    return new Promise((resolve) => {
      if (this.ws?.readyState !== WebSocket.OPEN) {
        resolve({ ok: false, version: 0, diagnostics: [], error: "Not connected to the session yet" });
        return;
      }
      this.pending_run?.resolve({ ok: false, version: 0, diagnostics: [], error: "Superseded by a newer run" });
      this.pending_run = { resolve };
      this.send({ type: "run", code, language });
    });
  }

  /** The websocket URL of a test client on this session. */
  client_url(path: string, query: string, label: string): string {
    const base = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${this.info!.ws_path}`;
    const params = new URLSearchParams(query.replace(/^\?/, ""));
    params.set("_client", label);
    return `${base}${path.replace(/^\/+/, "")}?${params.toString()}`;
  }

  close(): void {
    this.closed = true;
    this.ws?.close(1000);
  }
}
