// The control channel between the playground UI and its session, both directions, as one schema. The UI
// imports this module too, so it holds no Node imports. A message that fails its schema is answered with
// an error and changes nothing.
import { z } from "zod";
import { ErrorData, MAX_OPS_PER_BATCH } from "./app-ops.ts";
import { json_within, type JsonLimits } from "./json-limits.ts";

export const MAX_CODE_LENGTH = 200_000;

/** Where a trace record belongs: the test client's connection. */
export const TraceConnection = z.object({
  id: z.string().max(64),
  label: z.string().max(200),
  channel_name: z.string().max(200).optional(),
});
export type TraceConnection = z.infer<typeof TraceConnection>;

const base = {
  /** Sequence number within the session, from 1, no gaps (dropped records are counted instead). */
  seq: z.number().int().positive(),
  /** Milliseconds since the session started, monotonic. */
  t: z.number().nonnegative(),
  conn: TraceConnection.optional(),
};

/** How large a value in a record may be: the runtimes describe values well within this (describe.ts). */
export const TRACE_VALUE_LIMITS: JsonLimits = { depth: 16, size: 256 * 1024 };
/** Longest texts in a record; longer ones are cut by the session before it checks the record (trace.ts). */
export const TRACE_TEXT_LIMITS = { message: 10_000, stack: 50_000, text: 20_000, detail: 2_000 } as const;

/** A message as shown in the log: JSON-safe, bytes described (length and a hex preview), bounded. */
export const TraceValue = z.unknown().refine((value) => json_within(value, TRACE_VALUE_LIMITS), "not plain JSON data within the trace's bounds");
const Name = z.string().max(300);

export const TraceRecord = z.discriminatedUnion("kind", [
  /** A test client connected: the scope the app gets. */
  z.object({ ...base, kind: z.literal("connect"), path: z.string().max(4096), query_string: z.string().max(4096), subprotocols: z.array(Name).max(64) }),
  /** An ASGI message into the app (websocket.connect, websocket.receive, websocket.disconnect, ...). */
  z.object({ ...base, kind: z.literal("receive"), message: TraceValue }),
  /** An ASGI message out of the app (websocket.accept, websocket.send, websocket.close). */
  z.object({ ...base, kind: z.literal("send"), message: TraceValue }),
  /**
   * A handler the dispatch rule called, with its argument, result and duration, logged where the call
   * started. One still running when its batch ended says `running`, and a second record reports its end.
   */
  z.object({
    ...base, kind: z.literal("handler"), consumer: Name, name: Name, message: TraceValue,
    result: TraceValue.optional(), error: z.string().max(TRACE_TEXT_LIMITS.message).optional(), duration_ms: z.number().nonnegative().optional(),
    running: z.boolean().optional(), ended: z.boolean().optional(),
  }),
  /** A channel-layer call, and what it delivered. */
  z.object({
    ...base, kind: z.literal("layer"), op: z.enum(["group_add", "group_discard", "group_send", "send", "deliver"]),
    group: Name.optional(), channel: Name.optional(), message: TraceValue.optional(), members: z.number().optional(),
  }),
  z.object({ ...base, kind: z.literal("console"), level: z.enum(["log", "info", "warn", "error", "debug"]), text: z.string().max(TRACE_TEXT_LIMITS.text) }),
  /** An error, with its stack mapped to the learner's source lines; `code` names a known situation. */
  z.object({
    ...base, kind: z.literal("error"), message: z.string().max(TRACE_TEXT_LIMITS.message), stack: z.string().max(TRACE_TEXT_LIMITS.stack).optional(),
    code: z.string().max(64).optional(), handler: Name.optional(),
  }),
  /** What the server did with the connection: accepted, rejected with 403, 500, reset at the handshake timeout, closed. */
  z.object({
    ...base, kind: z.literal("server"),
    event: z.enum(["accepted", "rejected", "app_error", "handshake_timeout", "closed", "restarted", "disconnected"]),
    code: z.number().optional(), detail: z.string().max(TRACE_TEXT_LIMITS.detail).optional(),
  }),
  /** The session's own life: code applied, a load failed, the sandbox was stopped or restarted. */
  z.object({
    ...base, kind: z.literal("lifecycle"), event: z.enum(["applied", "load_failed", "stopped", "restarted", "dropped"]),
    version: z.number().optional(), detail: z.string().max(TRACE_TEXT_LIMITS.detail).optional(), count: z.number().optional(),
  }),
]);
export type TraceRecord = z.infer<typeof TraceRecord>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A record before the session numbers it; `t` is when it happened (epoch ms), if not now. */
export type TraceEntry = DistributiveOmit<TraceRecord, "seq" | "t"> & { t?: number };

export const Diagnostic = z.object({
  line: z.number().int(),
  column: z.number().int(),
  end_line: z.number().int().optional(),
  end_column: z.number().int().optional(),
  message: z.string(),
  severity: z.enum(["error", "warning"]),
});
export type Diagnostic = z.infer<typeof Diagnostic>;

/** The languages a session's code may be in: TypeScript runs in the server's sandbox, Python in the tab's worker. */
export const Language = z.enum(["typescript", "python"]);
export type Language = z.infer<typeof Language>;
/** A new session's, and a run's when it names none. */
export const DEFAULT_LANGUAGE: Language = "typescript";


/** An ASGI event of a Python session's connection, on its way to the tab (sandbox/ops.ts' SandboxEvent). */
export const PyEvent = z.looseObject({ k: z.enum(["open", "event", "drop"]), cid: z.string() });

const PyLoaded = z.object({
  type: z.literal("py_loaded"), version: z.number().int().positive(), ok: z.boolean(), exports: z.array(z.string().max(300)).max(1000).optional(),
  served: z.string().max(500).optional(), error: ErrorData.optional(), line: z.number().int().optional(), column: z.number().int().optional(),
});
/** What the tab's Python runtime did (python/playground/runtime.py): the sandbox's ops, each parsed by app-ops.ts. */
const PyOps = z.object({ type: z.literal("py_ops"), version: z.number().int().positive(), ops: z.array(z.unknown()).max(MAX_OPS_PER_BATCH) });
export type PyOps = z.infer<typeof PyOps>;
export type PyLoaded = z.infer<typeof PyLoaded>;

/** What was running when an app host stopped: the log names it. */
export const Suspect = z.object({
  cid: z.string().max(64).optional(), label: z.string().max(200).optional(), handler: z.string().max(300).optional(),
  timer: z.number().int().nonnegative().optional(),
});
export type Suspect = z.infer<typeof Suspect>;

/** Bounds of any control message, checked before its schema (a control frame is at most 1 MiB). */
export const CONTROL_LIMITS: JsonLimits = { depth: 32, size: 2 * 1024 * 1024 };

export const ClientMessage = z.discriminatedUnion("type", [
  /** The first message on a control socket: the session's secret token. */
  z.object({ type: z.literal("hello"), token: z.string().min(1).max(200), since: z.number().int().nonnegative().optional() }),
  /** Apply new code. */
  z.object({ type: z.literal("run"), code: z.string().max(MAX_CODE_LENGTH), language: Language.default(DEFAULT_LANGUAGE) }),
  z.object({ type: z.literal("ping"), id: z.number().optional() }),
  /** From the tab running a Python session's app: a load's outcome, ops, and a stop (interrupt, memory). */
  PyLoaded,
  PyOps,
  z.object({
    type: z.literal("py_stopped"), version: z.number().int().positive(), reason: z.enum(["timeout", "memory", "crashed"]), detail: z.string().max(2000),
    suspect: Suspect,
  }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerMessage = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("welcome"), session: z.string(), ws_path: z.string(), version: z.number(), code: z.string(), language: Language,
    limits: z.object({ handler_timeout_ms: z.number(), memory_mb: z.number(), max_connections: z.number(), handshake_timeout_s: z.number() }),
  }),
  z.object({ type: z.literal("trace"), records: z.array(TraceRecord), dropped: z.number().int().nonnegative().optional() }),
  z.object({
    type: z.literal("run_result"), ok: z.boolean(), version: z.number(), diagnostics: z.array(Diagnostic),
    applied_ms: z.number().optional(), error: z.string().optional(),
  }),
  z.object({ type: z.literal("pong"), id: z.number().optional() }),
  /** To the tab running a Python session's app: load this module as `version`; then events for its connections. */
  z.object({ type: z.literal("py_load"), version: z.number(), code: z.string() }),
  z.object({ type: z.literal("py_events"), version: z.number(), events: z.array(PyEvent) }),
  /** A control message that could not be used: nothing changed. */
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** Close codes of a control socket, for the UI (4000-4999 are the application's). */
export const CONTROL_CLOSE = {
  BAD_TOKEN: 4403,
  UNKNOWN_SESSION: 4404,
  /** Reaped after SESSION_IDLE_TIMEOUT_S with nothing but pings: the UI starts a new session. */
  EXPIRED: 4408,
  /** Did not read its trace for SLOW_SINK_MS: dropped rather than buffered for (the UI reconnects). */
  TOO_SLOW: 4008,
  /** A newer viewer of the same session took this one's place (a session has a few at most). */
  REPLACED: 4409,
} as const;

/** The query parameter a test client uses to name itself in the log; stripped before the app sees the scope. */
export const CLIENT_LABEL_PARAM = "_client";
