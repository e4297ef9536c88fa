// The server's side of a session's sandbox process: starts it, batches events to it, checks what comes
// back, and notices when it dies or stops answering (a parked isolate thread answers nothing).
import { execFile, fork, type ChildProcess } from "node:child_process";
// @ts-expect-error a plain JavaScript module, without types
import { build_server } from "../../scripts/build-server.mjs";
import { data_limit_mb, process_cap_mb, type SandboxLimits, type StopReason, type ToSandbox } from "./sandbox/ipc.ts";
import { FromSandbox } from "./sandbox/from-sandbox.ts";
import type { Suspect } from "./protocol.ts";
import { parse_ops, type BadOp, type SizedOp } from "./app-ops.ts";
import type { SandboxEvent } from "./sandbox/ops.ts";
import { event_size } from "./in-flight.ts";
import { cpu_ticks, rss_kb } from "./proc.ts";
import { TurnBatch } from "./turn-batch.ts";

let host_bundle: Promise<string> | null = null;
/** The sandbox host runs from a bundle (it loads in a fresh process, so it starts in milliseconds). */
function host_script(): Promise<string> {
  host_bundle ??= build_server("server/playground/sandbox/host.ts") as Promise<string>;
  return host_bundle;
}

/**
 * V8 flags of every sandbox process: the isolate's memory limit counts the JS heap only, and neither a
 * WebAssembly.Memory nor a resizable ArrayBuffer's growth is on it (eight filled 64 MiB memories, or one
 * buffer resized to 512 MB, passed a 64 MB cap). gc() lets the process collect its own garbage before the
 * resident-memory cap would count it (host.ts).
 */
export const SANDBOX_V8_FLAGS = ["--no-expose-wasm", "--no-harmony-rab-gsab", "--expose-gc"];

/** How often the server reads a sandbox process's resident memory (a read of /proc/<pid>/status). */
const RSS_POLL_MS = 150;

export interface SandboxListener {
  /** Ops as parsed (app-ops.ts): a malformed one arrives as a BadOp, for the session to report. */
  ops(ops: Array<SizedOp | BadOp>, bytes: Uint8Array[], version: number): void;
  /** The isolate stopped (deadline, memory) or the process died; every connection it served is gone. */
  stopped(reason: StopReason, detail: string, suspect: Suspect, version: number): void;
}

export type LoadOutcome =
  | { ok: true; exports: string[]; ms: number }
  | { ok: false; error: { name: string; message: string; stack: string } };

/** The largest ops text one flush may hand the server; past it the batch is refused as a whole. */
const MAX_OPS_TEXT = 32 * 1024 * 1024;

/** The child is ours, the isolate inside it is not: every op is parsed strictly before the server acts on it. */
function parse_ops_text(text: string): Array<SizedOp | BadOp> {
  if (text.length > MAX_OPS_TEXT) return [{ op: "bad", reason: `one flush of ${text.length} characters of ops (at most ${MAX_OPS_TEXT})` }];
  try {
    return parse_ops(JSON.parse(text));
  } catch {
    return [{ op: "bad", reason: "the ops are not JSON" }];
  }
}

export class SandboxProcess {
  private child: ChildProcess | null = null;
  private starting: Promise<ChildProcess> | null = null;
  private readonly batch = new TurnBatch<SandboxEvent>((events, bytes) => {
    const child = this.child;
    if (child === null || !child.connected) return;
    // Taken once the IPC write is done: a process busy in a handler reads nothing, and its pipe fills.
    return new Promise((taken) => child.send({ t: "batch", events: JSON.stringify(events), bytes } satisfies ToSandbox, taken));
  });
  private loads = new Map<number, (outcome: LoadOutcome) => void>();
  private heartbeat: NodeJS.Timeout | null = null;
  private rss_poll: NodeJS.Timeout | null = null;
  /** Why the server killed the child, for its exit to report (else it died on its own: a V8 abort). */
  private kill_reason: { reason: StopReason; detail: string } | null = null;
  private cpu_seen: { ticks: number; at: number } | null = null;
  private last_pong = Date.now();
  private ping_id = 0;
  private version = 0;
  private tracing = true;
  private closed = false;

  constructor(private readonly listener: SandboxListener, private readonly limits: SandboxLimits) {}

  private async spawn(): Promise<ChildProcess> {
    const script = await host_script();
    // SANDBOX_NODE_OPTIONS (e.g. "--cpu-prof") is for profiling the sandbox process.
    const execArgv = [...SANDBOX_V8_FLAGS, ...(process.env.SANDBOX_NODE_OPTIONS?.split(" ").filter(Boolean) ?? [])];
    const child = fork(script, [], { serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv });
    child.on("message", (message: unknown) => {
      const parsed = FromSandbox.safeParse(message);
      if (parsed.success) return this.on_message(parsed.data);
      this.kill(child, { reason: "crashed", detail: "the sandbox process sent a message the server does not take" });
    });
    child.once("exit", (code, signal) => this.on_exit(child, code, signal));
    this.child = child;
    this.kill_reason = null;
    this.cpu_seen = null;
    this.last_pong = Date.now();
    this.heartbeat = setInterval(() => this.check_heartbeat(child), 1000);
    this.heartbeat.unref();
    this.watch_memory(child);
    // Best effort (prlimit is util-linux's): the RSS poll is the cap that always applies.
    if (child.pid !== undefined) {
      execFile("prlimit", ["--pid", String(child.pid), `--data=${data_limit_mb(this.process_cap_mb) * 2 ** 20}`], () => {});
    }
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
    const size = event_size(event, bytes);
    if (bytes !== undefined) {
      // An exact-size copy: a pooled Buffer's backing store holds other connections' bytes.
      (event as { event: Record<string, unknown> }).event.bytes = { $b: this.batch.attach(new Uint8Array(bytes)) };
    }
    this.batch.push(event, size);
  }

  /** While the process has not taken what was sent to it, a promise for when it has (see in-flight.ts). */
  backlog(): Promise<void> | null {
    return this.batch.backlog();
  }

  /** Bytes sent to the process and not yet taken by it. */
  get in_flight_bytes(): number {
    return this.batch.in_flight_bytes;
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
        if (message.version !== this.version) return;
        this.listener.ops(parse_ops_text(message.ops), message.bytes, message.version);
        return;
      }
      case "stopped":
        this.listener.stopped(message.reason, message.detail, message.suspect, message.version);
        return;
      case "pong":
        this.last_pong = Date.now();
        return;
    }
  }

  /**
   * A sandbox that answers no ping is either parked (a V8 fatal out-of-memory inside the isolate) or still
   * inside a builtin that does not check the handler's deadline: the CPU time it used since the last
   * check tells which.
   */
  private check_heartbeat(child: ChildProcess): void {
    const pid = child.pid;
    const ticks = pid === undefined ? null : cpu_ticks(pid);
    const previous = this.cpu_seen;
    const now = Date.now();
    if (ticks !== null) this.cpu_seen = { ticks, at: now };
    if (this.child !== child) return;
    const limit = 2 * this.limits.handler_timeout_ms + 3000;
    const silent = now - this.last_pong;
    if (silent > limit) {
      // Clock ticks are 1/100 s on Linux. A parked thread uses none; a busy one on a loaded machine may get
      // a fraction of a core, so a tenth of the wall time since the last check counts as busy.
      const busy = ticks !== null && previous !== null && (ticks - previous.ticks) * 10 >= (now - previous.at) / 10;
      this.kill(child, busy
        ? { reason: "timeout", detail: `the sandbox did not answer for ${silent} ms while running code past its deadline` }
        : { reason: "memory", detail: `the sandbox process stopped answering (${silent} ms), most likely after an allocation past the memory limit` });
      return;
    }
    if (child.connected) child.send({ t: "ping", id: ++this.ping_id } satisfies ToSandbox);
  }

  private get process_cap_mb(): number {
    return process_cap_mb(this.limits.memory_mb);
  }

  /** The process-wide backstop: memory the isolate's cap does not see (Node, isolated-vm, ICU, buffers) is read here. */
  private watch_memory(child: ChildProcess): void {
    const cap = this.process_cap_mb;
    const poll = () => {
      this.rss_poll = null;
      if (this.child !== child || child.pid === undefined) return;
      const rss = rss_kb(child.pid) / 1024; // 0 once the process is gone
      if (rss > cap) {
        this.kill(child, { reason: "memory", detail: `the sandbox process used ${Math.round(rss)} MB, over its ${cap} MB cap` });
        return;
      }
      this.rss_poll = setTimeout(poll, RSS_POLL_MS);
      this.rss_poll.unref();
    };
    poll();
  }

  private kill(child: ChildProcess, why: { reason: StopReason; detail: string }): void {
    if (this.child === child) this.kill_reason ??= why;
    child.kill("SIGKILL");
  }

  private on_exit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const killed = this.child === child ? this.kill_reason : null;
    if (this.child === child) this.child = null;
    this.batch.drop();
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.rss_poll !== null) clearTimeout(this.rss_poll);
    this.rss_poll = null;
    for (const resolve of this.loads.values()) {
      resolve({ ok: false, error: { name: "Error", message: "The sandbox process stopped while loading", stack: "" } });
    }
    this.loads.clear();
    if (this.closed) return;
    if (killed !== null) return this.listener.stopped(killed.reason, killed.detail, {}, this.version);
    const detail = signal !== null ? `the sandbox process was killed (${signal})` : `the sandbox process exited (${code})`;
    this.listener.stopped("memory", `${detail}, most likely by an allocation past the memory limit`, {}, this.version);
  }

  /** Lets the sandbox process exit (it does when its IPC channel closes), killing it if it has not within a second. */
  close(): void {
    this.closed = true;
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    if (this.rss_poll !== null) clearTimeout(this.rss_poll);
    const child = this.child;
    this.child = null;
    if (child === null) return;
    if (child.connected) child.disconnect();
    setTimeout(() => child.kill("SIGKILL"), 1000).unref();
  }
}
