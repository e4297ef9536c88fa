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
  dispatch: ivm.Reference<(events: string, bytes: Uint8Array[]) => void>;
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
/** Timer events waiting to run, delivered together on the next turn. */
let pending_timers: SandboxEvent[] = [];
let timer_run_scheduled = false;

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
  const json = loaded.flush.applySync(undefined, [], { timeout });
  if (typeof json !== "string") throw new Error("The sandbox runtime returned something other than text");
  const count = loaded.bytes_count.applySync(undefined, [], { timeout });
  const bytes: Uint8Array[] = [];
  for (let i = 0; i < (typeof count === "number" ? Math.min(count, 10_000) : 0); i++) {
    const b = loaded.take_bytes.applySync(undefined, [i], { timeout, result: { copy: true } });
    bytes.push(b instanceof Uint8Array ? b : new Uint8Array());
  }
  const ops = JSON.parse(json) as SandboxOp[];
  const forward: SandboxOp[] = [];
  for (const op of ops) {
    if (op.op === "timer") start_timer(loaded, op.id, op.ms, op.repeat);
    else if (op.op === "clear") clear_timer(loaded, op.id);
    else forward.push(op);
  }
  if (forward.length > 0 || bytes.length > 0) send({ t: "ops", version: loaded.version, ops: forward, bytes });
}

function run(events: SandboxEvent[], bytes: Uint8Array[]): void {
  const loaded = live;
  if (loaded === null || events.length === 0) return;
  // Only exact-size arrays cross: a view would carry its whole backing buffer into the isolate.
  const exact = bytes.map((b) => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b)));
  try {
    loaded.dispatch.applySync(undefined, [JSON.stringify(events), exact], {
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
    if (pending_timers.some((e) => e.k === "timer" && e.id === id)) return;
    pending_timers.push({ k: "timer", id });
    if (!timer_run_scheduled) {
      timer_run_scheduled = true;
      setImmediate(() => {
        timer_run_scheduled = false;
        const events = pending_timers;
        pending_timers = [];
        run(events, []);
      });
    }
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
    case "batch": return run(message.events, message.bytes);
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
