// A session's sandbox host: a child process of the playground server that runs the learner's code in an
// isolated-vm isolate. A process per session, because one allocation past an isolate's memory limit can
// abort the whole process hosting it; the server notices the exit and keeps every other session serving.
//
// Every call into the isolate is started here, carries plain data and has a deadline; results come back
// as strings, numbers and byte arrays only (copying an object out would run learner getters with no
// deadline). The entry points are the runtime's own, taken before the learner's module runs. See ops.ts.
import ivm from "isolated-vm";
import type { SandboxEvent, SandboxOp } from "./ops.ts";
import { MAX_FLUSH_PAYLOADS, flush_bytes_cap, process_cap_mb, type FromSandbox, type SandboxLimits, type ToSandbox } from "./ipc.ts";
import type { EntryPoints } from "./runtime.ts";

type Entry<K extends keyof EntryPoints> = ivm.Reference<EntryPoints[K]>;

interface Loaded {
  version: number;
  isolate: ivm.Isolate;
  context: ivm.Context;
  limits: SandboxLimits;
  dispatch: Entry<"dispatch">;
  flush: Entry<"flush">;
  bytes_count: Entry<"bytes_count">;
  bytes_size: Entry<"bytes_size">;
  take_bytes: Entry<"take_bytes">;
  drop_bytes: Entry<"drop_bytes">;
  set_tracing: Entry<"set_tracing">;
  suspect: Entry<"suspect">;
  timers: Map<number, { handle: NodeJS.Timeout; repeat: boolean }>;
}

/** What the runtime's entry points return, first character, for an error inside the runtime. */
const FAULT = "\u0001";

/** A cap of the sandbox's own, past which the session stops with `reason`. */
class Overrun extends Error {
  constructor(readonly reason: "memory" | "crashed", message: string) {
    super(message);
  }
}

/** Text of whatever a host-side call threw (isolated-vm's own errors, or anything else), never throwing. */
function host_error(error: unknown): { name: string; message: string; stack: string } {
  const field = (key: "name" | "message" | "stack", fallback: string): string => {
    try {
      const value = (error as Record<string, unknown> | null | undefined)?.[key];
      return typeof value === "string" ? value.slice(0, 20_000) : fallback;
    } catch {
      return fallback;
    }
  };
  if (error === null || typeof error !== "object") return { name: "Uncaught", message: String(error).slice(0, 20_000), stack: "" };
  return { name: field("name", "Error"), message: field("message", ""), stack: field("stack", "") };
}

/**
 * The learner's compiled script inside try/catch, on its first line so that the source map still holds
 * (after a leading "use strict" directive, which must stay first): whatever its top level throws is
 * turned into text by the runtime, under the load's deadline.
 */
function wrap_learner(code: string): string {
  const directive = /^(["'])use strict\1;/.exec(code);
  const at = directive ? directive[0].length : 0;
  return `${code.slice(0, at)}try{${code.slice(at)}\n}catch(e){__runtime.caught(e)}`;
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

/** The longest detail the server takes in a "stopped" message (from-sandbox.ts). */
const MAX_DETAIL = 2000;

function fatal(message: string): void {
  // The isolate's thread may be parked for good: report, then leave the process at once.
  try {
    send({ t: "stopped", version: live?.version ?? 0, reason: "memory", detail: message.slice(0, MAX_DETAIL), suspect: {} });
  } finally {
    process.kill(process.pid, "SIGKILL");
  }
}

/**
 * This process's own heap holds what is copied out of the isolate and serialized for the server: large,
 * short-lived, and collected lazily by V8, so a consumer streaming 20 MiB/s grew the process by 30 MB/s of
 * garbage until the server's memory cap stopped it. Past half the cap the process collects at once, so the cap
 * measures what is live. (The server starts the process with --expose-gc.)
 */
let gc_timer: NodeJS.Timeout | null = null;
function collect_when_high(memory_mb: number): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc_timer !== null || gc === undefined) return;
  const half = (process_cap_mb(memory_mb) / 2) * 2 ** 20;
  gc_timer = setInterval(() => {
    if (process.memoryUsage.rss() > half) gc();
  }, 100);
  gc_timer.unref();
}

function load(message: Extract<ToSandbox, { t: "load" }>): void {
  collect_when_high(message.limits.memory_mb);
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
    // Taken now, while the isolate holds the runtime alone.
    const rt = context.global.getSync("__runtime", { reference: true }) as ivm.Reference<EntryPoints>;
    const ref = <K extends keyof EntryPoints>(name: K) => rt.getSync(name, { reference: true }) as Entry<K>;
    const loaded: Loaded = {
      version: message.version, isolate, context, limits: message.limits,
      dispatch: ref("dispatch"), flush: ref("flush"), bytes_count: ref("bytes_count"), bytes_size: ref("bytes_size"),
      take_bytes: ref("take_bytes"), drop_bytes: ref("drop_bytes"), set_tracing: ref("set_tracing"), suspect: ref("suspect"),
      timers: new Map(),
    };
    const load_entry = ref("load");
    isolate.compileScriptSync(wrap_learner(message.code), { filename: "consumer.js" }).runSync(context, { timeout });
    const described = load_entry.applySync(undefined, [], { timeout });
    if (typeof described !== "string") throw new Error("The sandbox runtime returned something other than text");
    const result = JSON.parse(described) as { exports?: string[]; error?: { name: string; message: string; stack: string } };
    if (result.error !== undefined) {
      if (!isolate.isDisposed) isolate.dispose();
      send({ t: "loaded", version: message.version, ok: false, error: result.error });
      return;
    }
    loaded.set_tracing.applySync(undefined, [tracing], { timeout });
    const previous = live;
    live = loaded;
    if (previous) stop(previous);
    send({ t: "loaded", version: message.version, ok: true, exports: result.exports ?? [], ms: performance.now() - started });
  } catch (error) {
    if (!isolate.isDisposed) isolate.dispose();
    send({ t: "loaded", version: message.version, ok: false, error: host_error(error) });
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

/** Only the fields a suspect has, as short strings and a number. */
function plain_suspect(raw: Record<string, unknown>): Extract<FromSandbox, { t: "stopped" }>["suspect"] {
  const out: Extract<FromSandbox, { t: "stopped" }>["suspect"] = {};
  for (const key of ["cid", "label", "handler"] as const) if (typeof raw[key] === "string") out[key] = raw[key].slice(0, 200);
  if (typeof raw.timer === "number") out.timer = raw.timer;
  return out;
}

/** A call into the isolate failed: a deadline, the memory limit, or something that broke the runtime. */
function failed(loaded: Loaded, error: unknown): void {
  const { message } = host_error(error);
  let suspect: Extract<FromSandbox, { t: "stopped" }>["suspect"] = {};
  let reason: "timeout" | "memory" | "crashed" = "crashed";
  if (error instanceof Overrun) {
    reason = error.reason;
  } else if (/timed out/i.test(message)) {
    reason = "timeout";
    try {
      const s = loaded.suspect.applySync(undefined, [], { timeout: 100 });
      if (typeof s === "string") suspect = plain_suspect(JSON.parse(s) as Record<string, unknown>);
    } catch {
      // the suspect is only a hint
    }
  } else if (loaded.isolate.isDisposed || /memory limit|disposed/i.test(message)) {
    reason = "memory";
  }
  stop(loaded);
  send({ t: "stopped", version: loaded.version, reason, detail: message.slice(0, MAX_DETAIL), suspect });
}

/** Takes what the isolate did (sends, timers, trace records) and passes it on. */
function collect(loaded: Loaded): void {
  const { handler_timeout_ms: timeout } = loaded.limits;
  const flushed = loaded.flush.applySync(undefined, [], { timeout });
  if (typeof flushed !== "string") throw new Overrun("crashed", "The sandbox runtime returned something other than text");
  if (flushed.startsWith(FAULT)) throw new Overrun("crashed", `the sandbox runtime failed: ${flushed.slice(1, 2000)}`);
  const bytes = take_bytes(loaded);
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

/** The byte payloads of one flush, within the session's caps (the runtime counts them; the copies are checked too). */
function take_bytes(loaded: Loaded): Uint8Array[] {
  const { handler_timeout_ms: timeout } = loaded.limits;
  const count = loaded.bytes_count.applySync(undefined, [], { timeout });
  if (typeof count !== "number" || count === 0) return [];
  const cap = flush_bytes_cap(loaded.limits.memory_mb);
  const size = loaded.bytes_size.applySync(undefined, [], { timeout });
  if (count > MAX_FLUSH_PAYLOADS || typeof size !== "number" || size > cap) {
    loaded.drop_bytes.applySync(undefined, [], { timeout });
    throw new Overrun("memory", `one turn sent ${count} byte payloads of ${Math.round(Number(size) / 2 ** 20)} MB in all, over the cap of ${MAX_FLUSH_PAYLOADS} payloads and ${cap / 2 ** 20} MB`);
  }
  const bytes: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const b = loaded.take_bytes.applySync(undefined, [i], { timeout, result: { copy: true } });
    const copy = b instanceof Uint8Array ? b : new Uint8Array();
    total += copy.byteLength;
    if (total > cap) throw new Overrun("memory", `one turn sent more than ${cap / 2 ** 20} MB of bytes`);
    bytes.push(copy);
  }
  return bytes;
}

function run(batches: Array<{ events: string; bytes: Uint8Array[] }>): void {
  const loaded = live;
  if (loaded === null || batches.length === 0) return;
  // Only exact-size arrays cross: a view would carry its whole backing buffer into the isolate.
  const exact = batches.map(({ bytes }) => bytes.map((b) => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b))));
  try {
    const outcome = loaded.dispatch.applySync(undefined, [batches.map((b) => b.events), exact], {
      timeout: loaded.limits.handler_timeout_ms, arguments: { copy: true },
    });
    if (outcome !== "") throw new Overrun("crashed", `the sandbox runtime failed: ${String(outcome).slice(1, 2000)}`);
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
// The server going away takes its sandboxes with it. A send already under way then fails with EPIPE, which
// Node reports as the process's "error": the "disconnect" that follows ends the process.
process.on("disconnect", () => process.exit(0));
process.on("error", () => {});
