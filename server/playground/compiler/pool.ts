// The server's side of compiling learner code: a small pool of compiler worker processes (worker.ts), each
// with its own esbuild service. A compile past the time limit or the memory cap, or one its esbuild service
// dies in, loses only its worker, which is killed with its service and replaced; the other workers keep
// serving other sessions meanwhile.
import { fork, type ChildProcess } from "node:child_process";
// @ts-expect-error a plain JavaScript module, without types
import { build_server } from "../../../scripts/build-server.mjs";
import type { CompileCode, Compiled, Failed } from "../compile.ts";
import { EXIT_SERVICE_KILLED, type FromWorker, type ToWorker } from "./ipc.ts";
import { children, is_child, rss_kb } from "../proc.ts";

export interface PoolOptions {
  /** A compile running longer is stopped (COMPILE_TIMEOUT). */
  timeout_ms: number;
  /** A worker whose process and esbuild service together hold more resident memory is stopped (COMPILE_MEMORY). */
  memory_mb: number;
  /** Workers at most; compiles beyond them wait in a queue... */
  max_workers: number;
  /** ...of at most this many (COMPILE_BUSY past it). */
  max_queue: number;
  /** A worker beyond the first that has had nothing to do for this long leaves. */
  idle_ms: number;
}

export const DEFAULT_POOL_OPTIONS: PoolOptions = { timeout_ms: 2000, memory_mb: 256, max_workers: 3, max_queue: 32, idle_ms: 60_000 };

/** How often a busy worker's memory is read. */
const POLL_MS = 50;
/** A worker that has not warmed up by then is taken for broken. */
const START_TIMEOUT_MS = 15_000;

let worker_bundle: Promise<string> | null = null;
/** Workers run from a bundle, as the sandbox host does: production runs have no TypeScript loader. */
function worker_script(): Promise<string> {
  worker_bundle ??= build_server("server/playground/compiler/worker.ts") as Promise<string>;
  return worker_bundle;
}

interface Job {
  id: number;
  source: string;
  started: number;
  /** Sent to another worker once already, after a signal from outside killed the first one's service. */
  retried: boolean;
  resolve(result: Compiled | Failed): void;
}

interface Worker {
  /** Null until its bundle is built. */
  child: ChildProcess | null;
  ready: boolean;
  esbuild_pid: number | null;
  job: Job | null;
  timers: NodeJS.Timeout[];
  idle: NodeJS.Timeout | null;
  /** The start of what it wrote to stderr during its current job (esbuild's crash report begins with the cause). */
  stderr: string;
  exited: Promise<void>;
}

export class CompilerPool {
  private readonly options: PoolOptions;
  private readonly workers = new Set<Worker>();
  private queue: Job[] = [];
  private next_id = 1;
  private closed = false;

  constructor(options: Partial<PoolOptions> = {}) {
    this.options = { ...DEFAULT_POOL_OPTIONS, ...options };
  }

  /** The learner's module compiled by a worker, or why not (`code` says which way it failed). */
  compile(source: string): Promise<Compiled | Failed> {
    const started = performance.now();
    if (this.closed) return Promise.resolve(failed("COMPILE_CRASHED", "The compiler is shut down.", started));
    if (this.queue.length >= this.options.max_queue) {
      return Promise.resolve(failed("COMPILE_BUSY", "The compiler is busy with other sessions' code. Run again in a moment.", started));
    }
    return new Promise((resolve) => {
      this.queue.push({ id: this.next_id++, source, started, retried: false, resolve });
      this.pump();
    });
  }

  /** The warmed-up workers' pids and their esbuild services' (for tests and diagnosis). */
  processes(): Array<{ worker: number; esbuild: number | null }> {
    return [...this.workers].flatMap((w) => (w.ready && w.child?.pid !== undefined ? [{ worker: w.child.pid, esbuild: w.esbuild_pid }] : []));
  }

  /** Stops every worker and its esbuild service; compiles still waiting or running fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve(failed("COMPILE_CRASHED", "The compiler is shut down.", job.started));
    const exits = [...this.workers].map((w) => w.exited);
    for (const worker of [...this.workers]) this.stop(worker, "COMPILE_CRASHED", "The compiler is shut down.");
    await Promise.all(exits);
  }

  /** Hands queued jobs to idle workers, starting workers (up to the bound) while jobs outnumber the starting ones. */
  private pump(): void {
    if (this.closed) return;
    for (const worker of this.workers) {
      if (this.queue.length === 0) return;
      if (worker.ready && worker.job === null) this.run(worker, this.queue.shift()!);
    }
    const starting = [...this.workers].filter((w) => !w.ready).length;
    let wanted = Math.min(this.queue.length - starting, this.options.max_workers - this.workers.size);
    while (wanted-- > 0) void this.start();
  }

  private async start(): Promise<void> {
    const worker: Worker = { child: null, ready: false, esbuild_pid: null, job: null, timers: [], idle: null, stderr: "", exited: Promise.resolve() };
    this.workers.add(worker);
    let script: string;
    try {
      script = await worker_script();
    } catch (error) {
      this.workers.delete(worker);
      this.start_failed(error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.closed) {
      this.workers.delete(worker);
      return;
    }
    // GOMEMLIMIT makes esbuild's Go runtime collect harder as it nears the cap, before the pool has to step in.
    const env = { ...process.env, GOMEMLIMIT: `${Math.max(16, Math.floor(this.options.memory_mb / 2))}MiB` };
    const child = fork(script, [], { serialization: "advanced", stdio: ["ignore", "ignore", "pipe", "ipc"], env, execArgv: [] });
    worker.child = child;
    worker.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(this.on_exit(worker, code, signal))));
    child.stderr!.setEncoding("utf8").on("data", (text: string) => {
      if (worker.stderr.length < 2000) worker.stderr += text.slice(0, 2000 - worker.stderr.length);
    });
    child.on("message", (message: FromWorker) => this.on_message(worker, message));
    child.on("error", () => child.kill("SIGKILL"));
    // An idle pool must not keep the server's process alive; a running compile's timers do while it runs.
    child.unref();
    (child.stderr as unknown as { unref(): void }).unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    const start_timer = setTimeout(() => this.kill(worker), START_TIMEOUT_MS);
    worker.timers.push(start_timer);
  }

  private on_message(worker: Worker, message: FromWorker): void {
    if (!this.workers.has(worker)) return;
    if (message.t === "ready") {
      this.clear_timers(worker);
      worker.ready = true;
      worker.esbuild_pid = typeof message.esbuild_pid === "number" ? message.esbuild_pid : null;
      this.became_idle(worker);
      this.pump();
      return;
    }
    const job = worker.job;
    if (job === null || message.id !== job.id) return;
    this.clear_timers(worker);
    worker.job = null;
    const built = message.built;
    const ms = performance.now() - job.started;
    job.resolve(built.ok ? { ...built, ms } : { ok: false, code: "COMPILE_ERROR", diagnostics: built.diagnostics, ms });
    this.became_idle(worker);
    this.pump();
  }

  private run(worker: Worker, job: Job): void {
    if (worker.idle !== null) clearTimeout(worker.idle);
    worker.idle = null;
    worker.job = job;
    worker.stderr = "";
    const { timeout_ms, memory_mb } = this.options;
    worker.timers.push(setTimeout(() => {
      this.stop(worker, "COMPILE_TIMEOUT", `The compile took longer than ${timeout_ms} ms and was stopped. Deeply nested code can make it that slow.`);
    }, timeout_ms));
    worker.timers.push(setInterval(() => {
      const kb = rss_kb(worker.child!.pid!) + (worker.esbuild_pid === null ? 0 : rss_kb(worker.esbuild_pid));
      if (kb > memory_mb * 1024) {
        this.stop(worker, "COMPILE_MEMORY", `The compile needed more than ${memory_mb} MB of memory and was stopped. Deeply nested code can need that much.`);
      }
    }, POLL_MS));
    worker.child!.send({ t: "compile", id: job.id, source: job.source } satisfies ToWorker);
  }

  /** Fails the worker's job (if any) with `code`, then kills the worker and its esbuild service. */
  private stop(worker: Worker, code: CompileCode, message: string): void {
    const job = worker.job;
    worker.job = null;
    job?.resolve(failed(code, message, job.started));
    this.kill(worker);
  }

  private kill(worker: Worker): void {
    // Out of the pool at once: it must get no job while it dies.
    this.workers.delete(worker);
    this.clear_timers(worker);
    if (worker.idle !== null) clearTimeout(worker.idle);
    const pid = worker.child?.pid;
    if (pid === undefined) return;
    // The service first: once its worker is gone it is no longer the worker's child, and a busy service may
    // not read that its stdin closed.
    const services = worker.esbuild_pid !== null ? [worker.esbuild_pid] : children(pid);
    for (const service of services) {
      try {
        if (is_child(service, pid)) process.kill(service, "SIGKILL");
      } catch {
        // Gone since it was looked at.
      }
    }
    worker.child!.kill("SIGKILL");
    // Its exit is awaited (close) and replaces it: that must not wait for something else to keep the loop alive.
    worker.child!.ref();
  }

  private on_exit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    this.clear_timers(worker);
    if (worker.idle !== null) clearTimeout(worker.idle);
    this.workers.delete(worker);
    const job = worker.job;
    worker.job = null;
    if (job !== null && code === EXIT_SERVICE_KILLED && !job.retried) {
      job.retried = true;
      this.queue.unshift(job);
    } else if (job !== null) {
      const cause = first_line(worker.stderr) ?? (signal !== null ? `killed by ${signal}` : `exit status ${code}`);
      job.resolve(failed("COMPILE_CRASHED", `The compiler crashed on this code (${cause}). The next Run uses a fresh one.`, job.started));
    } else if (!worker.ready && !this.closed) {
      this.start_failed(first_line(worker.stderr) ?? `exit status ${code ?? signal}`);
    }
    if (this.closed) return;
    // Kept warm: a worker that served is replaced at once, so the next Run does not wait for a start.
    if (worker.ready && this.workers.size === 0) void this.start();
    this.pump();
  }

  /** A worker that could not start fails one waiting compile, so that a broken install cannot keep the queue waiting. */
  private start_failed(cause: string): void {
    const job = this.queue.shift();
    job?.resolve(failed("COMPILE_CRASHED", `The compiler could not start (${cause}).`, job.started));
  }

  private became_idle(worker: Worker): void {
    if (this.workers.size <= 1) return;
    worker.idle = setTimeout(() => {
      if (worker.job === null && this.workers.size > 1) this.kill(worker);
    }, this.options.idle_ms);
    worker.idle.unref();
  }

  private clear_timers(worker: Worker): void {
    for (const timer of worker.timers) clearTimeout(timer);
    worker.timers = [];
  }
}

function first_line(text: string): string | null {
  const line = text.split("\n").find((l) => l.trim() !== "");
  return line === undefined ? null : line.trim().slice(0, 200);
}

/** A failure the editor shows at line 1, its machine code first in the message. */
export function failed(code: CompileCode, message: string, started: number): Failed {
  return { ok: false, code, diagnostics: [{ line: 1, column: 1, message: `${code}: ${message}`, severity: "error" }], ms: performance.now() - started };
}
