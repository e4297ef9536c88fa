// Runs inside a session's isolate, bundled with the channels core, before the learner's module. The isolate
// has no host functions: the host calls `dispatch` with events and `flush` for what happened (sends, timers,
// trace records), every call under a deadline and as plain data. Learner code shares this realm, so what
// the runtime relies on is captured before that code runs; anything learner code breaks here breaks its
// own session only, because the host accepts nothing but strings.
import * as channels from "../../channels/index.ts";
import type { ASGIApp, ASGIReceiveEvent, ASGISendEvent, ChannelMessage, Scope } from "../../channels/index.ts";
import type { TraceEntry } from "../protocol.ts";
import { harden_builtins } from "./builtins.ts";
import { describe_value, format_console } from "./describe.ts";
import { error_line, error_text, type ErrorText } from "./errors.ts";
import { BYTES, type SandboxEvent, type WireScope } from "./ops.ts";
import * as outbox from "./outbox.ts";

const G = globalThis as unknown as Record<string, unknown>;
const stringify = JSON.stringify;
const parse = JSON.parse;
const U8 = Uint8Array;
const now = Date.now;
const keys = Object.keys;
const freeze = Object.freeze;
const define = Object.defineProperty;
const apply = Reflect.apply;
const promise_resolve = Promise.resolve.bind(Promise) as (value: unknown) => Promise<unknown>;
const promise_then = Promise.prototype.then;
const MAX_TIMERS = 1000;
const MIN_INTERVAL_MS = 4;
const { emit, put_bytes } = outbox;

let tracing = true;

/** Callers check `tracing` first: describing a message costs more than the rest of its delivery. */
function trace(entry: TraceEntry): void {
  emit({ op: "trace", entry: { ...entry, t: now() } as TraceEntry });
}

// ---- connections ----
interface Running { conn: Conn; consumer: string; handler: string; started: number }
const connections = new Map<string, Conn>();
const by_receive = new WeakMap<object, Conn>();
const by_consumer = new WeakMap<object, Conn>();
const by_channel = new Map<string, Conn>();
/** Handlers started and not yet finished, newest last: the suspect when a deadline hits. */
const inflight = new Set<Running>();
let current: Conn | null = null;
let current_timer: number | null = null;
/** The last handler started: the suspect when a deadline hits while nobody traces (no bookkeeping per call). */
let last_consumer: channels.Consumer | null = null;
let last_message: unknown = null;
let last_conn: Conn | null = null;

class Conn {
  readonly state: channels.WebSocketState;
  private items: ASGIReceiveEvent[] = [];
  private waiter: ((event: ASGIReceiveEvent) => void) | null = null;
  finished = false;
  channel_name: string | undefined;

  constructor(readonly cid: string, readonly label: string, offered: string[]) {
    this.state = new channels.WebSocketState(offered);
  }

  get tag(): { id: string; label: string; channel_name?: string } {
    return this.channel_name === undefined ? { id: this.cid, label: this.label } : { id: this.cid, label: this.label, channel_name: this.channel_name };
  }

  put(event: ASGIReceiveEvent): void {
    if (this.finished) return;
    // As on the server: once the client is gone, what the app still sends is dropped, not relayed.
    if (event.type === "websocket.disconnect") this.state.disconnected();
    const waiter = this.waiter;
    if (waiter === null) return void this.items.push(event);
    this.waiter = null;
    this.deliver(event, waiter);
  }

  private deliver(event: ASGIReceiveEvent, resolve: (event: ASGIReceiveEvent) => void): void {
    current = this;
    if (tracing) trace({ kind: "receive", conn: this.tag, message: describe_value(event) });
    resolve(event);
  }

  readonly receive = (): Promise<ASGIReceiveEvent> =>
    new Promise((resolve) => {
      const event = this.items.shift();
      if (event !== undefined) this.deliver(event, resolve);
      else this.waiter = resolve;
    });

  /** The app's send: the core's websocket rules raise here, in the learner's handler, as on the real server. */
  readonly send = (message: ASGISendEvent): Promise<void> => {
    const action = this.state.apply(message);
    if (tracing) trace({ kind: "send", conn: this.tag, message: describe_value(message) });
    let wire: Record<string, unknown>;
    switch (action.kind) {
      case "accept": {
        const headers = action.headers.map(([k, v]) => [latin1(k), latin1(v)]);
        wire = { type: "websocket.accept", subprotocol: action.subprotocol, headers };
        break;
      }
      case "reject": wire = { type: "websocket.close" }; break;
      case "close": wire = { type: "websocket.close", code: action.code, reason: action.reason }; break;
      case "send": wire = typeof action.data === "string" ? { type: "websocket.send", text: action.data } : { type: "websocket.send", bytes: put_bytes(action.data) }; break;
      case "drop_empty": wire = { type: "websocket.send", text: "" }; break;
      case "ignore": return Promise.resolve();
    }
    emit({ op: "send", cid: this.cid, message: wire });
    return Promise.resolve();
  };

  end(error: unknown): void {
    if (this.finished) return;
    this.finished = true;
    // A timer the app left behind may still call send: it has nowhere to go.
    this.state.disconnected();
    connections.delete(this.cid);
    if (this.channel_name !== undefined) by_channel.delete(this.channel_name);
    emit({ op: "end", cid: this.cid, error: error === undefined ? null : error_text(error) });
  }
}

function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

function bytes_of(text: string): Uint8Array {
  const out = new U8(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

function scope_of(wire: WireScope): Scope {
  return {
    type: "websocket",
    asgi: { version: "3.0" },
    path: wire.path,
    raw_path: bytes_of(wire.raw_path),
    query_string: bytes_of(wire.query_string),
    headers: wire.headers.map(([k, v]) => [bytes_of(k), bytes_of(v)]),
    subprotocols: wire.subprotocols,
    client: wire.client,
    server: wire.server,
  };
}

// ---- tracing hooks on the core: every handler call, and which connection a consumer serves ----
const Consumer = channels.Consumer;
const consumer_call = Consumer.prototype.__call__;
Consumer.prototype.__call__ = function (this: channels.Consumer, scope, receive, send) {
  const conn = by_receive.get(receive);
  if (conn !== undefined) by_consumer.set(this, conn);
  return consumer_call.call(this, scope, receive, send);
};

function traced_dispatch(original: (this: channels.Consumer, message: channels.ConsumerMessage) => unknown) {
  return function (this: channels.Consumer, message: channels.ConsumerMessage): unknown {
    const conn = by_consumer.get(this) ?? current;
    last_consumer = this;
    last_message = message;
    last_conn = conn;
    if (!tracing || conn === null) {
      const previous = current;
      current = conn;
      try {
        return original.call(this, message);
      } finally {
        current = previous;
      }
    }
    if (conn.channel_name === undefined && typeof this.channel_name === "string") {
      conn.channel_name = this.channel_name;
      by_channel.set(this.channel_name, conn);
    }
    const consumer = this.constructor.name;
    let name: string;
    try {
      name = channels.get_handler_name(message);
    } catch {
      name = String((message as { type?: unknown })?.type);
    }
    const running: Running = { conn, consumer, handler: name, started: now() };
    inflight.add(running);
    // Logged where the call starts; completed in place if it ends before the host reads the outbox.
    const entry = { kind: "handler" as const, conn: conn.tag, consumer, name, message: describe_value(message), t: running.started };
    const born = outbox.current_generation();
    emit({ op: "trace", entry });
    const previous = current;
    current = conn;
    const done = (result: unknown, error?: unknown) => {
      inflight.delete(running);
      const ending: TraceEntry = born === outbox.current_generation() ? entry : { ...entry, t: now(), ended: true };
      ending.duration_ms = now() - running.started;
      if (error !== undefined) ending.error = error_line(error);
      else if (result !== undefined) ending.result = describe_value(result);
      if (ending !== entry && tracing) emit({ op: "trace", entry: ending });
    };
    let result: unknown;
    try {
      result = original.call(this, message);
    } catch (error) {
      done(undefined, error);
      throw error;
    } finally {
      current = previous;
    }
    if (result !== null && typeof result === "object" && typeof (result as { then?: unknown }).then === "function") {
      return (result as Promise<unknown>).then((value) => (done(value), value), (error: unknown) => {
        done(undefined, error);
        throw error;
      });
    }
    done(result);
    return result;
  };
}
Consumer.prototype.dispatch = traced_dispatch(Consumer.prototype.dispatch);
channels.SyncConsumer.prototype.dispatch = traced_dispatch(channels.SyncConsumer.prototype.dispatch) as typeof channels.SyncConsumer.prototype.dispatch;

/** The session's in-memory layer, reporting every call and what it delivers. */
class TracedLayer extends channels.InMemoryChannelLayer {
  private note(op: "group_add" | "group_discard" | "group_send" | "send" | "deliver", fields: { group?: string; channel?: string; message?: ChannelMessage }): void {
    if (!tracing) return;
    const conn = (fields.channel !== undefined ? by_channel.get(fields.channel) : undefined) ?? current;
    const entry: TraceEntry = { kind: "layer", op };
    if (conn) entry.conn = conn.tag;
    if (!tracing) return;
    if (fields.group !== undefined) entry.group = fields.group;
    if (fields.channel !== undefined) entry.channel = fields.channel;
    if (fields.message !== undefined) entry.message = describe_value(fields.message);
    if (op === "group_send" && fields.group !== undefined) entry.members = this.group_members(fields.group).length;
    trace(entry);
  }
  override send(channel: string, message: ChannelMessage) { const r = super.send(channel, message); this.note("send", { channel, message }); return r; }
  override group_add(group: string, channel: string) { const r = super.group_add(group, channel); this.note("group_add", { group, channel }); return r; }
  override group_discard(group: string, channel: string) { const r = super.group_discard(group, channel); this.note("group_discard", { group, channel }); return r; }
  override group_send(group: string, message: ChannelMessage) { this.note("group_send", { group, message }); return super.group_send(group, message); }
  override receive(channel: string, cancel?: channels.CancelSignal) {
    const received = super.receive(channel, cancel);
    if (!tracing) return received;
    return received.then((message) => {
      this.note("deliver", { channel, message });
      return message;
    });
  }
}
channels.register_layer_backend("channels.layers.InMemoryChannelLayer", TracedLayer);
channels.configure({ CHANNEL_LAYERS: { default: { BACKEND: "channels.layers.InMemoryChannelLayer" } } });

// ---- what the sandbox provides in place of Node: console and timers, both ops for the host ----
const timers = new Map<number, { fn: (...args: unknown[]) => void; args: unknown[]; repeat: boolean }>();
let next_timer = 1;
function add_timer(fn: unknown, ms: unknown, args: unknown[], repeat: boolean): number {
  if (typeof fn !== "function") throw new TypeError("The callback must be a function (the sandbox does not run code strings)");
  if (timers.size >= MAX_TIMERS) throw new RangeError(`A session may have at most ${MAX_TIMERS} timers at once`);
  const id = next_timer++;
  const delay = Math.max(repeat ? MIN_INTERVAL_MS : 0, Number(ms) || 0);
  timers.set(id, { fn: fn as (...a: unknown[]) => void, args, repeat });
  emit({ op: "timer", id, ms: delay, repeat });
  return id;
}
function clear_timer(id: unknown): void {
  if (typeof id === "number" && timers.delete(id)) emit({ op: "clear", id });
}
G.setTimeout = (fn: unknown, ms?: unknown, ...args: unknown[]) => add_timer(fn, ms, args, false);
G.setInterval = (fn: unknown, ms?: unknown, ...args: unknown[]) => add_timer(fn, ms, args, true);
G.clearTimeout = clear_timer;
G.clearInterval = clear_timer;

const console_method = (level: "log" | "info" | "warn" | "error" | "debug") => (...args: unknown[]) => {
  if (!tracing) return;
  const entry: TraceEntry = { kind: "console", level, text: format_console(args) };
  if (current) entry.conn = current.tag;
  trace(entry);
};
G.console = { log: console_method("log"), info: console_method("info"), warn: console_method("warn"), error: console_method("error"), debug: console_method("debug") };

// The module names a learner imports resolve to this object (see compile.ts).
G.__channels = channels;

// ---- the host's entry points ----
let application: ASGIApp | null = null;

function root_only(app: ASGIApp): ASGIApp {
  return (scope, receive, send) => {
    const path = (scope as { path?: string }).path ?? "/";
    if (path === "/" || path === "") return app(scope, receive, send);
    return Promise.reject(new channels.ValueError(`No route found for path '${path.replace(/^\/+/, "")}'.`, "NO_ROUTE"));
  };
}

function find_application(user: Record<string, unknown>): ASGIApp {
  const exported = user.application;
  if (channels.is_consumer_class(exported)) {
    throw new channels.ImproperlyConfigured(
      `application is the consumer class ${exported.name} itself: export application = ${exported.name}.as_asgi(), or export just the class.`,
    );
  }
  if (typeof exported === "function") return exported as ASGIApp;
  const classes = keys(user).map((k) => user[k]).filter(channels.is_consumer_class);
  const chosen = channels.is_consumer_class(user.default) ? user.default : classes[0];
  if (chosen !== undefined) return root_only(chosen.as_asgi());
  throw new channels.ImproperlyConfigured(
    "The module exports neither `application` nor a consumer class. Export your consumer " +
      "(export class MyConsumer extends AsyncWebsocketConsumer { ... }) or an application (export const application = ProtocolTypeRouter({...})).",
  );
}

function open(cid: string, label: string, wire: WireScope): void {
  const conn = new Conn(cid, label, wire.subprotocols);
  connections.set(cid, conn);
  by_receive.set(conn.receive, conn);
  const previous = current;
  current = conn;
  try {
    let run: unknown;
    try {
      run = application!(scope_of(wire), conn.receive, conn.send);
    } catch (error) {
      return conn.end(error);
    }
    // The app's result may be anything (a thenable whose `then` throws): the runtime's own Promise takes it.
    apply(promise_then, promise_resolve(run), [() => conn.end(undefined), (error: unknown) => conn.end(error)]);
  } finally {
    current = previous;
  }
}

function event_of(raw: Record<string, unknown>, binaries: Uint8Array[]): ASGIReceiveEvent {
  const bytes = raw.bytes as { [BYTES]?: number } | undefined;
  if (bytes !== undefined && bytes !== null && typeof bytes[BYTES] === "number") return { ...raw, bytes: new U8(binaries[bytes[BYTES]]!) } as ASGIReceiveEvent;
  return raw as unknown as ASGIReceiveEvent;
}

function fire(id: number): void {
  const timer = timers.get(id);
  if (timer === undefined) return;
  if (!timer.repeat) timers.delete(id);
  current_timer = id;
  try {
    timer.fn(...timer.args);
  } catch (error) {
    if (tracing) {
      const e = error_text(error);
      trace({ kind: "error", message: `${e.name}: ${e.message}`, stack: e.stack || undefined, code: "TIMER_CALLBACK_ERROR" });
    }
  } finally {
    current_timer = null;
  }
}

function deliver_batch(events: SandboxEvent[], binaries: Uint8Array[]): void {
  for (const event of events) {
    switch (event.k) {
      case "open": open(event.cid, event.label, event.scope); break;
      case "event": connections.get(event.cid)?.put(event_of(event.event, binaries)); break;
      case "drop": {
        const conn = connections.get(event.cid);
        if (conn) {
          conn.put({ type: "websocket.disconnect", code: 1006 });
          conn.finished = true;
          connections.delete(event.cid);
        }
        break;
      }
      case "timer": fire(event.id); break;
    }
  }
}

// ---- the host's entry points ----
// The host takes references to these before the learner's module runs, and `__runtime` can be neither
// replaced nor changed. Each returns a string or a number and never throws a learner value: isolated-vm
// would copy it out (running its getters) with no deadline. A string starting with FAULT is an error.
const FAULT = "\u0001";
let load_error: ErrorText | null = null;

function fault(error: unknown): string {
  try {
    return `${FAULT}${stringify(error_text(error))}`;
  } catch {
    return `${FAULT}{"name":"Error","message":"the sandbox runtime failed","stack":""}`;
  }
}

function describe_suspect(): string {
  let last: Running | null = null;
  for (const running of inflight) last = running;
  if (last !== null) return stringify({ cid: last.conn.cid, label: last.conn.label, handler: `${last.consumer}.${last.handler}` });
  if (current_timer === null && last_consumer !== null && last_conn !== null) {
    let name = "";
    try {
      name = channels.get_handler_name(last_message);
    } catch {
      name = "dispatch";
    }
    return stringify({ cid: last_conn.cid, label: last_conn.label, handler: `${String(last_consumer.constructor.name)}.${name}` });
  }
  if (current_timer !== null) return stringify({ timer: current_timer, cid: current?.cid, label: current?.label });
  return stringify(current ? { cid: current.cid, label: current.label } : {});
}

harden_builtins(G);

const entry_points = freeze({
  /** The learner's script is wrapped in try/catch ending here: what its top level threw, as text. */
  caught(error: unknown): void {
    load_error = error_text(error);
  },
  /** After the learner's module ran: find what to serve. JSON of { exports } or { error }. */
  load(): string {
    try {
      if (load_error !== null) return stringify({ error: load_error });
      const user = (G.__user ?? {}) as Record<string, unknown>;
      application = find_application(user);
      return stringify({ exports: keys(user).map((k) => String(k)) });
    } catch (error) {
      return stringify({ error: error_text(error) });
    }
  },
  /** Delivers batches of events (each JSON, with the bytes it refers to), in order. "" or a FAULT. */
  dispatch(batches: string[], binaries_per_batch: Uint8Array[][]): string {
    try {
      for (let b = 0; b < batches.length; b++) deliver_batch(parse(batches[b]!) as SandboxEvent[], binaries_per_batch[b] ?? []);
      return "";
    } catch (error) {
      return fault(error);
    }
  },
  flush(): string {
    try {
      return outbox.flush();
    } catch (error) {
      return fault(error);
    }
  },
  bytes_count: outbox.bytes_count,
  bytes_size: outbox.bytes_size,
  take_bytes: outbox.take_bytes,
  drop_bytes: outbox.drop_bytes,
  set_tracing(on: boolean): void {
    tracing = on === true;
  },
  /** Who was running when a deadline hit: the newest unfinished handler, or a timer callback. */
  suspect(): string {
    try {
      return describe_suspect();
    } catch {
      return "{}";
    }
  },
});
export type EntryPoints = typeof entry_points;
define(G, "__runtime", { value: entry_points, writable: false, configurable: false, enumerable: false });
