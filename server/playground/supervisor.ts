// The server's side of a session's sandbox process: starts it, batches events to it, checks what comes
// back, and notices when it dies or stops answering (a parked isolate thread answers nothing).
import { fork, type ChildProcess } from "node:child_process";
// @ts-expect-error a plain JavaScript module, without types
import { build_server } from "../../scripts/build-server.mjs";
import type { FromSandbox, SandboxLimits, StopReason, ToSandbox } from "./sandbox/ipc.ts";
import type { SandboxEvent, SandboxOp } from "./sandbox/ops.ts";
import { TurnBatch } from "./turn-batch.ts";

let host_bundle: Promise<string> | null = null;
/** The sandbox host runs from a bundle (it loads in a fresh process, so it starts in milliseconds). */
function host_script(): Promise<string> {
  host_bundle ??= build_server("server/playground/sandbox/host.ts") as Promise<string>;
  return host_bundle;
}

export interface SandboxListener {
  ops(ops: SandboxOp[], bytes: Uint8Array[], version: number): void;
  /** The isolate stopped (deadline, memory) or the process died; every connection it served is gone. */
  stopped(reason: StopReason, detail: string, suspect: { cid?: string; label?: string; handler?: string; timer?: number }, version: number): void;
}

export type LoadOutcome =
  | { ok: true; exports: string[]; ms: number }
  | { ok: false; error: { name: string; message: string; stack: string } };

const OP_KINDS = new Set(["send", "end", "trace"]);

/** The child is ours, the isolate inside it is not: ops are checked for shape before the server acts on them. */
function valid_op(op: unknown): op is SandboxOp {
  if (op === null || typeof op !== "object") return false;
  const o = op as Record<string, unknown>;
  if (!OP_KINDS.has(o.op as string)) return false;
  if (o.op === "trace") return o.entry !== null && typeof o.entry === "object";
  if (typeof o.cid !== "string") return false;
  if (o.op === "send") return o.message !== null && typeof o.message === "object";
  return o.error === null || (typeof o.error === "object" && typeof (o.error as { message?: unknown }).message === "string");
}

export class SandboxProcess {
  private child: ChildProcess | null = null;
  private starting: Promise<ChildProcess> | null = null;
  private readonly batch = new TurnBatch<SandboxEvent>((events, bytes) => {
    if (this.child === null || !this.child.connected) return;
    this.child.send({ t: "batch", events: JSON.stringify(events), bytes } satisfies ToSandbox);
  });
  private loads = new Map<number, (outcome: LoadOutcome) => void>();
  private heartbeat: NodeJS.Timeout | null = null;
  private last_pong = Date.now();
  private ping_id = 0;
  private version = 0;
  private tracing = true;
  private closed = false;

  constructor(private readonly listener: SandboxListener, private readonly limits: SandboxLimits) {}

  private async spawn(): Promise<ChildProcess> {
    const script = await host_script();
    // SANDBOX_NODE_OPTIONS (e.g. "--cpu-prof") is for profiling the sandbox process.
    const execArgv = process.env.SANDBOX_NODE_OPTIONS?.split(" ").filter(Boolean) ?? [];
    const child = fork(script, [], { serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv });
    child.on("message", (message: FromSandbox) => this.on_message(message));
    child.once("exit", (code, signal) => this.on_exit(child, code, signal));
    this.child = child;
    this.last_pong = Date.now();
    this.heartbeat = setInterval(() => this.check_heartbeat(child), 1000);
    this.heartbeat.unref();
    if (!this.tracing) child.send({ t: "tracing", on: false } satisfies ToSandbox);
    return child;
  }

  private ensure(): Promise<ChildProcess> {
    if (this.child !== null) return Promise.resolve(this.child);
    this.starting ??= this.spawn().finally(() => (this.starting = null));
    return this.starting;
  }

  /** Loads a module (the runtime and the learner's compiled code) into a new isolate; the old one serves until it succeeds. */
  async load(version: number, runtime: string, code: string): Promise<LoadOutcome> {
    const child = await this.ensure();
    return new Promise<LoadOutcome>((resolve) => {
      this.loads.set(version, resolve);
      child.send({ t: "load", version, runtime, code, limits: this.limits } satisfies ToSandbox);
    });
  }

  /** Queues an event; what one turn of the event loop queued goes to the sandbox as one batch. */
  event(event: SandboxEvent, bytes?: Uint8Array): void {
    if (bytes !== undefined) {
      // An exact-size copy: a pooled Buffer's backing store holds other connections' bytes.
      (event as { event: Record<string, unknown> }).event.bytes = { $b: this.batch.attach(new Uint8Array(bytes)) };
    }
    this.batch.push(event);
  }

  set_tracing(on: boolean): void {
    if (this.tracing === on) return;
    this.tracing = on;
    this.child?.send({ t: "tracing", on } satisfies ToSandbox);
  }

  private on_message(message: FromSandbox): void {
    switch (message.t) {
      case "loaded": {
        const resolve = this.loads.get(message.version);
        this.loads.delete(message.version);
        if (message.ok) this.version = message.version;
        resolve?.(message.ok ? { ok: true, exports: message.exports, ms: message.ms } : { ok: false, error: message.error });
        return;
      }
      case "ops": {
        if (message.version !== this.version || typeof message.ops !== "string") return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(message.ops);
        } catch {
          return;
        }
        if (!Array.isArray(parsed)) return;
        const ops = parsed.filter(valid_op);
        this.listener.ops(ops, Array.isArray(message.bytes) ? message.bytes : [], message.version);
        return;
      }
      case "stopped":
        this.listener.stopped(message.reason, String(message.detail), message.suspect ?? {}, message.version);
        return;
      case "pong":
        this.last_pong = Date.now();
        return;
    }
  }

  /** A sandbox whose thread is parked (a V8 fatal out-of-memory inside the isolate) answers no ping. */
  private check_heartbeat(child: ChildProcess): void {
    const limit = 2 * this.limits.handler_timeout_ms + 3000;
    if (Date.now() - this.last_pong > limit) {
      child.kill("SIGKILL");
      return;
    }
    child.send({ t: "ping", id: ++this.ping_id } satisfies ToSandbox);
  }

  private on_exit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = null;
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const resolve of this.loads.values()) {
      resolve({ ok: false, error: { name: "Error", message: "The sandbox process stopped while loading", stack: "" } });
    }
    this.loads.clear();
    if (this.closed) return;
    const detail = signal !== null ? `the sandbox process was killed (${signal})` : `the sandbox process exited (${code})`;
    this.listener.stopped("memory", `${detail}, most likely by an allocation past the memory limit`, {}, this.version);
  }

  /** The version the sandbox currently serves (0 before the first load). */
  get serving(): number {
    return this.version;
  }

  /** Lets the sandbox process exit (it does when its IPC channel closes), killing it if it has not within a second. */
  close(): void {
    this.closed = true;
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    const child = this.child;
    this.child = null;
    if (child === null) return;
    if (child.connected) child.disconnect();
    setTimeout(() => child.kill("SIGKILL"), 1000).unref();
  }
}
