// The page's side of Python mode. It starts the worker ahead of need (so the first Python run is quick)
// and watches it: a worker that stops answering is stuck in Python, so it is interrupted through the
// shared buffer, and replaced if that does not free it; one whose memory grew past the cap is replaced.
import type { LoadResult, RuntimeOp, Stop } from "../../../python/runner.ts";
import { parse_from_worker, type FromWorker, type ToWorker } from "./messages.ts";

export interface PythonHostEvents {
  ops(ops: RuntimeOp[]): void;
  /** Every app instance is gone (a handler was stopped, or the worker replaced); the module must be loaded again. */
  stopped(stop: Stop): void;
}

export type PythonStatus = { state: "idle" | "starting" | "ready" } | { state: "failed"; detail: string };

/** The interpreter's memory only grows: past this the worker is replaced. */
export const HEAP_LIMIT_MB = 512;
const PING_MS = 100;
/** How long an interrupted worker has to come back before it is replaced. */
const GRACE_MS = 1000;

export class PythonHost {
  status: PythonStatus = { state: "idle" };
  /** Milliseconds the last start-up took, from the worker's creation to its runtime being ready. */
  boot_ms: number | null = null;
  private worker: Worker | null = null;
  private ready: Promise<boolean> = Promise.resolve(false);
  private interrupt: Uint8Array | null = null;
  private loads = new Map<number, (result: LoadResult) => void>();
  private ping = { id: 0, sent: 0, answered: true };
  private interrupted_at = 0;
  private last_check = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private listeners = new Set<(status: PythonStatus) => void>();

  constructor(private readonly events: PythonHostEvents, private handler_timeout_ms = 1000) {}

  set_timeout(ms: number): void {
    this.handler_timeout_ms = ms;
  }

  on_status(listener: (status: PythonStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set_status(status: PythonStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }

  /** Starts the worker if it is not running; harmless to call again. */
  start(): void {
    if (this.worker !== null) return;
    const started = performance.now();
    const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: "python" });
    this.worker = worker;
    // Without cross-origin isolation there is no SharedArrayBuffer: a stuck worker is then replaced at once.
    this.interrupt = typeof SharedArrayBuffer === "function" && crossOriginIsolated ? new Uint8Array(new SharedArrayBuffer(1)) : null;
    this.set_status({ state: "starting" });
    this.ready = new Promise((resolve) => {
      worker.onmessage = (event: MessageEvent<unknown>) => {
        const message = parse_from_worker(event.data);
        if (message === null) return;
        if (message.t === "ready") {
          this.boot_ms = performance.now() - started;
          this.set_status({ state: "ready" });
          resolve(true);
        } else if (message.t === "failed") {
          this.set_status({ state: "failed", detail: message.message });
          resolve(false);
        } else {
          this.receive(message);
        }
      };
      worker.onerror = (event) => {
        event.preventDefault();
        this.set_status({ state: "failed", detail: event.message || "the Python worker failed to start" });
        resolve(false);
      };
    });
    this.send({ t: "init", base: __PYODIDE_BASE__, interrupt: this.interrupt });
    this.ping = { id: 0, sent: 0, answered: true };
    this.timer ??= setInterval(() => this.check(), PING_MS);
  }

  private send(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  private receive(message: FromWorker): void {
    switch (message.t) {
      case "loaded":
        this.loads.get(message.version)?.(message.result);
        this.loads.delete(message.version);
        return;
      case "ops":
        this.events.ops(message.ops);
        return;
      case "stopped":
        this.events.stopped(message.stop);
        return;
      case "pong":
        if (message.id !== this.ping.id) return;
        this.ping.answered = true;
        this.interrupted_at = 0;
        if (this.interrupt !== null) this.interrupt[0] = 0; // a handler that ended on its own needs no interrupt
        if (message.heap > HEAP_LIMIT_MB * 1024 * 1024) {
          this.replace({ reason: "memory", detail: `the Python worker's memory grew to ${Math.round(message.heap / 1048576)} MB, past its ${HEAP_LIMIT_MB} MB limit`, suspect: {} });
        }
        return;
    }
  }

  /** Loads a module as `version`, starting the worker first if needed. */
  async load(version: number, code: string): Promise<LoadResult> {
    this.start();
    if (!(await this.ready)) {
      const detail = this.status.state === "failed" ? this.status.detail : "it did not start";
      return { ok: false, error: { name: "Error", message: `Python could not start in this browser: ${detail}`, stack: "" } };
    }
    return new Promise((resolve) => {
      this.loads.get(version)?.({ ok: false, error: { name: "Error", message: "Superseded", stack: "" } });
      this.loads.set(version, resolve);
      this.send({ t: "load", version, code });
    });
  }

  dispatch(events: unknown[]): void {
    this.send({ t: "events", events });
  }

  /** Runs every PING_MS: a ping unanswered past the handler time limit means Python is stuck. */
  private check(): void {
    const now = performance.now();
    const late = now - this.last_check > PING_MS * 5; // this page was busy or in the background: judge next time
    this.last_check = now;
    if (this.worker === null || this.status.state !== "ready" || late) return;
    if (this.ping.answered) {
      this.ping = { id: this.ping.id + 1, sent: now, answered: false };
      this.send({ t: "ping", id: this.ping.id });
      return;
    }
    const waited = now - this.ping.sent;
    if (waited < this.handler_timeout_ms) return;
    if (this.interrupt !== null && this.interrupted_at === 0) {
      this.interrupt[0] = 2; // SIGINT: Python raises KeyboardInterrupt in the running handler
      this.interrupted_at = now;
    } else if (this.interrupt === null || now - this.interrupted_at > GRACE_MS) {
      this.replace({ reason: "timeout", detail: "the Python worker stopped answering and was restarted", suspect: {} });
    }
  }

  /** Stops the worker and starts a new one; every app instance is gone, and waiting loads fail. */
  private replace(stop: Stop): void {
    this.worker?.terminate();
    this.worker = null;
    for (const resolve of this.loads.values()) resolve({ ok: false, error: { name: "Error", message: "The Python worker was restarted", stack: "" } });
    this.loads.clear();
    this.interrupted_at = 0;
    this.events.stopped(stop);
    this.start();
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.worker?.terminate();
    this.worker = null;
  }
}
