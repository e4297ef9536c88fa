// The server's side of a Python session: the app instance runs in the learner's browser tab (a Pyodide
// worker), and this relays the session's ASGI events to that tab over its control socket and the tab's ops
// back. The tab is untrusted like any client: every op is checked here, and a send still goes through the
// protocol server's own rules. Without a tab attached there is no Python app to serve.
import type { AppHost, BrowserHost, HostLoad, TabMessage } from "./app-host.ts";
import type { LoadOutcome, SandboxListener } from "./supervisor.ts";
import { parse_ops } from "./app-ops.ts";
import type { PyOps, Suspect } from "./protocol.ts";
import type { SandboxEvent } from "./sandbox/ops.ts";
import { event_size } from "./in-flight.ts";
import { TurnBatch } from "./turn-batch.ts";

export type PythonLoadOutcome = LoadOutcome & { served?: string; line?: number; column?: number };

/** The first load waits for the tab's worker to start Pyodide (seconds on a slow machine). */
const LOAD_TIMEOUT_MS = 30_000;
const NO_TAB = "The Python app runs in the playground's browser tab, and no tab is connected to this session";

export class BrowserRuntime implements AppHost {
  readonly language = "python" as const;
  private host: BrowserHost | null = null;
  private loads = new Map<number, (outcome: PythonLoadOutcome) => void>();
  /** Taken once the tab's control socket has drained what it was sent. */
  private readonly batch = new TurnBatch<Exclude<SandboxEvent, { k: "timer" }>>((events) => this.host?.post({ type: "py_events", version: this.version, events }));
  private version = 0;

  constructor(private readonly listener: SandboxListener) {}

  is_host(host: BrowserHost): boolean {
    return this.host === host;
  }

  /** The newest tab to say hello runs the app; one it replaces loses its connections. */
  attach(host: BrowserHost): boolean {
    if (this.host !== null && this.host !== host) this.detach(this.host);
    this.host = host;
    return true; // a new tab has no app yet: the session's code must be loaded into it
  }

  /** The tab went away: its app instances went with it. */
  detach(host: BrowserHost): void {
    if (this.host !== host) return;
    this.host = null;
    this.batch.drop();
    this.fail_loads("The browser tab running the Python app disconnected while loading");
    if (this.version !== 0) this.listener.stopped("crashed", "the browser tab running the Python app disconnected", {}, this.version);
    this.version = 0;
  }

  async load(version: number, code: string): Promise<HostLoad> {
    const outcome = await this.load_in_tab(version, code);
    if (outcome.ok) return { ok: true, detail: `app: ${outcome.served ?? "?"}` };
    const message = `${outcome.error.name}: ${outcome.error.message}`;
    const diagnostics = outcome.line ? [{ line: outcome.line, column: outcome.column ?? 1, message, severity: "error" as const }] : [];
    return { ok: false, stage: "load", code: "LOAD_ERROR", message, stack: outcome.error.stack || undefined, diagnostics };
  }

  private load_in_tab(version: number, code: string): Promise<PythonLoadOutcome> {
    const host = this.host;
    if (host === null) return Promise.resolve({ ok: false, error: { name: "Error", message: NO_TAB, stack: "" } });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.loads.delete(version);
        resolve({ ok: false, error: { name: "Error", message: `The browser tab did not load the Python module within ${LOAD_TIMEOUT_MS / 1000} s`, stack: "" } });
      }, LOAD_TIMEOUT_MS);
      this.loads.set(version, (outcome) => {
        clearTimeout(timer);
        if (outcome.ok) this.version = version;
        resolve(outcome);
      });
      host.post({ type: "py_load", version, code });
    });
  }

  loaded(version: number, outcome: PythonLoadOutcome): void {
    const resolve = this.loads.get(version);
    this.loads.delete(version);
    resolve?.(outcome);
  }

  /** While the tab's socket has not taken what was sent to it, a promise for when it has (see in-flight.ts). */
  backlog(): Promise<void> | null {
    return this.batch.backlog();
  }

  /** Queues an event; what one turn of the event loop queued goes to the tab as one message. */
  event(event: SandboxEvent, bytes?: Uint8Array): void {
    if (this.host === null || event.k === "timer") return; // timers stay in the tab
    const size = event_size(event, bytes);
    if (bytes !== undefined) (event as { event: Record<string, unknown> }).event.bytes = { $b64: Buffer.from(bytes).toString("base64") };
    this.batch.push(event, size);
  }

  /** Ops from the tab, each parsed here (app-ops.ts); bytes stay base64 until the session relays them. */
  ops(message: PyOps): void {
    if (this.version === 0 || message.version !== this.version) return;
    const ops = parse_ops(message.ops);
    const received = Date.now();
    let newest = 0;
    for (const op of ops) if (op.op === "trace" && typeof op.entry.t === "number") newest = Math.max(newest, op.entry.t);
    for (const op of ops) {
      // The tab's clock is not ours: keep the spacing within the batch, anchored at arrival.
      if (op.op !== "trace") continue;
      const t = typeof op.entry.t === "number" && newest > 0 ? Math.min(received, received - (newest - op.entry.t)) : received;
      op.entry = { ...op.entry, t };
    }
    this.listener.ops(ops, [], message.version);
  }

  stopped(version: number, reason: "timeout" | "memory" | "crashed", detail: string, suspect: Suspect): void {
    if (this.version === 0 || version !== this.version) return;
    this.listener.stopped(reason, detail, suspect, version);
  }

  private fail_loads(message: string): void {
    for (const resolve of this.loads.values()) resolve({ ok: false, error: { name: "Error", message, stack: "" } });
    this.loads.clear();
  }

  unavailable(): string | null {
    return this.host === null ? "the Python app runs in the playground's tab: open the playground to serve it" : null;
  }

  map_stack(stack: string): string {
    return stack; // Python tracebacks name the learner's lines already
  }

  stop_text(reason: "memory" | "crashed", detail: string): string {
    return reason === "memory" ? `the Python app ran out of memory and was stopped (${detail})` : `the Python app stopped: ${detail}`;
  }

  set_tracing(): void {
    // The tab traces what it runs; the session keeps or drops the records.
  }

  /** What the tab running the app reports; from any other socket it is ignored. */
  from_viewer(viewer: BrowserHost, message: TabMessage): void {
    if (!this.is_host(viewer)) return;
    if (message.type === "py_ops") return this.ops(message);
    if (message.type === "py_stopped") return this.stopped(message.version, message.reason, message.detail, message.suspect);
    const { version, ok, error, exports, served, line, column } = message;
    const failed = error ?? { name: "Error", message: "The module did not load", stack: "" };
    this.loaded(version, ok ? { ok: true, exports: exports ?? [], ms: 0, served } : { ok: false, error: failed, line, column });
  }

  retire(): void {
    this.version = 0; // what the tab still says of its old app is dropped
    this.batch.drop();
  }

  close(): void {
    this.fail_loads("The session closed");
    this.host = null;
  }
}
