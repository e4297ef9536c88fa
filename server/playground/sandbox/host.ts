// A session's sandbox host: a child process of the playground server that runs the learner's code in an
// isolated-vm isolate. A process per session, because one allocation past an isolate's memory limit can
// abort the whole process hosting it; the server notices the exit and keeps every other session serving.
//
// Every call into the isolate is started here, carries plain data and has a deadline; results come back
// as strings only (copying an object out would run learner getters with no deadline). See ops.ts.
import ivm from "isolated-vm";
import type { SandboxEvent, SandboxOp } from "./ops.ts";
import type { FromSandbox, SandboxLimits, ToSandbox } from "./ipc.ts";

interface Loaded {
  version: number;
  isolate: ivm.Isolate;
  context: ivm.Context;
  limits: SandboxLimits;
  dispatch: ivm.Reference<(batches: string[], bytes: Uint8Array[][]) => void>;
  flush: ivm.Reference<() => string>;
  bytes_count: ivm.Reference<() => number>;
  take_bytes: ivm.Reference<(i: number) => Uint8Array>;
  set_tracing: ivm.Reference<(on: boolean) => void>;
  suspect: ivm.Reference<() => string>;
  timers: Map<number, { handle: NodeJS.Timeout; repeat: boolean }>;
}

const send = (message: FromSandbox) => process.send!(message);
let live: Loaded | null = null;
let tracing = true;
let runtime_cache: { source: string; data: ivm.ExternalCopy<ArrayBuffer> | undefined } | null = null;
/** Batches waiting for the isolate: what arrives in one turn goes in with one call. */
let pending: Array<{ events: string; bytes: Uint8Array[] }> = [];
let pending_timers: number[] = [];
let run_scheduled = false;

function schedule(): void {
  if (run_scheduled) return;
  run_scheduled = true;
  setImmediate(() => {
    run_scheduled = false;
    if (pending_timers.length > 0) {
      pending.push({ events: JSON.stringify(pending_timers.map((id): SandboxEvent => ({ k: "timer", id }))), bytes: [] });
      pending_timers = [];
    }
    const batches = pending;
    pending = [];
    run(batches);
  });
}

function fatal(message: string): void {
  // The isolate's thread may be parked for good: report, then leave the process at once.
  try {
    send({ t: "stopped", version: live?.version ?? 0, reason: "memory", detail: message, suspect: {} });
  } finally {
    process.kill(process.pid, "SIGKILL");
  }
}

function load(message: Extract<ToSandbox, { t: "load" }>): void {
  const started = performance.now();
  const isolate = new ivm.Isolate({ memoryLimit: message.limits.memory_mb, onCatastrophicError: fatal });
  const timeout = message.limits.handler_timeout_ms;
  try {
    const context = isolate.createContextSync();
    if (runtime_cache?.source !== message.runtime) runtime_cache = { source: message.runtime, data: undefined };
    // The runtime is the same script for every load: V8's code cache makes reloading it cheap.
    const runtime = isolate.compileScriptSync(message.runtime, {
      filename: "runtime.js", ...(runtime_cache.data ? { cachedData: runtime_cache.data } : { produceCachedData: true }),
    }) as ivm.Script & ivm.CachedDataResult;
    if (runtime_cache.data === undefined && runtime.cachedData) runtime_cache.data = runtime.cachedData;
    runtime.runSync(context, { timeout });
    isolate.compileScriptSync(message.code, { filename: "consumer.js" }).runSync(context, { timeout });
    const rt = context.global.getSync("__runtime", { reference: true }) as ivm.Reference<Record<string, unknown>>;
    const ref = <T>(name: string) => rt.getSync(name, { reference: true }) as ivm.Reference<T>;
    const loaded: Loaded = {
      version: message.version, isolate, context, limits: message.limits,
      dispatch: ref("dispatch"), flush: ref("flush"), bytes_count: ref("bytes_count"), take_bytes: ref("take_bytes"),
      set_tracing: ref("set_tracing"), suspect: ref("suspect"), timers: new Map(),
    };
    const described = ref<() => string>("load").applySync(undefined, [], { timeout });
    if (typeof described !== "string") throw new Error("The sandbox runtime was tampered with during load");
    loaded.set_tracing.applySync(undefined, [tracing], { timeout });
    const previous = live;
    live = loaded;
    if (previous) stop(previous);
    send({ t: "loaded", version: message.version, ok: true, exports: (JSON.parse(described) as { exports: string[] }).exports, ms: performance.now() - started });
  } catch (error) {
    const e = error as Error;
    if (!isolate.isDisposed) isolate.dispose();
    send({ t: "loaded", version: message.version, ok: false, error: { name: String(e.name), message: String(e.message), stack: String(e.stack ?? "") } });
    return;
  }
  try {
    collect(live); // what the module did at load time (console output, timers)
  } catch (error) {
    failed(live, error);
  }
}

function stop(loaded: Loaded): void {
  for (const { handle, repeat } of loaded.timers.values()) (repeat ? clearInterval : clearTimeout)(handle);
  loaded.timers.clear();
  if (!loaded.isolate.isDisposed) loaded.isolate.dispose();
  if (live === loaded) live = null;
}

/** A call into the isolate failed: a deadline, the memory limit, or something that broke the runtime. */
function failed(loaded: Loaded, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  let suspect: Extract<FromSandbox, { t: "stopped" }>["suspect"] = {};
  let reason: "timeout" | "memory" | "crashed" = "crashed";
  if (/timed out/i.test(message)) {
    reason = "timeout";
    try {
      const s = loaded.suspect.applySync(undefined, [], { timeout: 100 });
      if (typeof s === "string") suspect = JSON.parse(s) as typeof suspect;
    } catch {
      // the suspect is only a hint
    }
  } else if (loaded.isolate.isDisposed || /memory limit|disposed/i.test(message)) {
    reason = "memory";
  }
  stop(loaded);
  send({ t: "stopped", version: loaded.version, reason, detail: message, suspect });
}

/** Takes what the isolate did (sends, timers, trace records) and passes it on. */
function collect(loaded: Loaded): void {
  const { handler_timeout_ms: timeout } = loaded.limits;
  const flushed = loaded.flush.applySync(undefined, [], { timeout });
  if (typeof flushed !== "string") throw new Error("The sandbox runtime returned something other than text");
  const count = loaded.bytes_count.applySync(undefined, [], { timeout });
  const bytes: Uint8Array[] = [];
  for (let i = 0; i < (typeof count === "number" ? Math.min(count, 10_000) : 0); i++) {
    const b = loaded.take_bytes.applySync(undefined, [i], { timeout, result: { copy: true } });
    bytes.push(b instanceof Uint8Array ? b : new Uint8Array());
  }
  // Timer ops are this process's to act on; the rest goes to the server unparsed.
  const split = flushed.indexOf("\u0000");
  const timer_ops = JSON.parse(flushed.slice(0, split)) as SandboxOp[];
  for (const op of timer_ops) {
    if (op.op === "timer") start_timer(loaded, Number(op.id), Number(op.ms), Boolean(op.repeat));
    else if (op.op === "clear") clear_timer(loaded, Number(op.id));
  }
  const ops = flushed.slice(split + 1);
  if (ops !== "[]" || bytes.length > 0) send({ t: "ops", version: loaded.version, ops, bytes });
}

function run(batches: Array<{ events: string; bytes: Uint8Array[] }>): void {
  const loaded = live;
  if (loaded === null || batches.length === 0) return;
  // Only exact-size arrays cross: a view would carry its whole backing buffer into the isolate.
  const exact = batches.map(({ bytes }) => bytes.map((b) => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b))));
  try {
    loaded.dispatch.applySync(undefined, [batches.map((b) => b.events), exact], {
      timeout: loaded.limits.handler_timeout_ms, arguments: { copy: true },
    });
    collect(loaded);
  } catch (error) {
    failed(loaded, error);
  }
}

function start_timer(loaded: Loaded, id: number, ms: number, repeat: boolean): void {
  const fire = () => {
    if (!repeat) loaded.timers.delete(id);
    if (live !== loaded) return;
    // Interval ticks that pile up while the isolate is busy are coalesced into one.
    if (pending_timers.includes(id)) return;
    pending_timers.push(id);
    schedule();
  };
  const delay = Math.min(Math.max(0, Number(ms) || 0), 2 ** 31 - 1);
  loaded.timers.set(id, { handle: repeat ? setInterval(fire, Math.max(1, delay)) : setTimeout(fire, delay), repeat });
}

function clear_timer(loaded: Loaded, id: number): void {
  const timer = loaded.timers.get(id);
  if (timer === undefined) return;
  (timer.repeat ? clearInterval : clearTimeout)(timer.handle);
  loaded.timers.delete(id);
}

process.on("message", (message: ToSandbox) => {
  switch (message.t) {
    case "load": return load(message);
    case "batch": {
      pending.push({ events: message.events, bytes: message.bytes });
      return schedule();
    }
    case "tracing": {
      tracing = message.on;
      if (live) {
        try {
          live.set_tracing.applySync(undefined, [tracing], { timeout: 100 });
        } catch (error) {
          failed(live, error);
        }
      }
      return;
    }
    case "ping": return send({ t: "pong", id: message.id });
  }
});
// The server going away takes its sandboxes with it.
process.on("disconnect", () => process.exit(0));
