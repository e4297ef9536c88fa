// The control channel between the playground UI and its session, both directions, as one schema. The UI
// imports this module too, so it holds no Node imports. A message that fails its schema is answered with
// an error and changes nothing.
import { z } from "zod";

export const MAX_CODE_LENGTH = 200_000;

/** Where a trace record belongs: the test client's connection. */
export const TraceConnection = z.object({
  id: z.string(),
  label: z.string(),
  channel_name: z.string().optional(),
});
export type TraceConnection = z.infer<typeof TraceConnection>;

const base = {
  /** Sequence number within the session, from 1, no gaps (dropped records are counted instead). */
  seq: z.number().int().positive(),
  /** Milliseconds since the session started, monotonic. */
  t: z.number().nonnegative(),
  conn: TraceConnection.optional(),
};

/** A message as shown in the log: JSON-safe, bytes described (length and a hex preview). */
export const TraceValue = z.unknown();

export const TraceRecord = z.discriminatedUnion("kind", [
  /** A test client connected: the scope the app gets. */
  z.object({ ...base, kind: z.literal("connect"), path: z.string(), query_string: z.string(), subprotocols: z.array(z.string()) }),
  /** An ASGI message into the app (websocket.connect, websocket.receive, websocket.disconnect, ...). */
  z.object({ ...base, kind: z.literal("receive"), message: TraceValue }),
  /** An ASGI message out of the app (websocket.accept, websocket.send, websocket.close). */
  z.object({ ...base, kind: z.literal("send"), message: TraceValue }),
  /**
   * A handler the dispatch rule called, with its argument, result and duration, logged where the call
   * started. One still running when its batch ended says `running`, and a second record reports its end.
   */
  z.object({
    ...base, kind: z.literal("handler"), consumer: z.string(), name: z.string(), message: TraceValue,
    result: TraceValue.optional(), error: z.string().optional(), duration_ms: z.number().nonnegative().optional(),
    running: z.boolean().optional(), ended: z.boolean().optional(),
  }),
  /** A channel-layer call, and what it delivered. */
  z.object({
    ...base, kind: z.literal("layer"), op: z.enum(["group_add", "group_discard", "group_send", "send", "deliver"]),
    group: z.string().optional(), channel: z.string().optional(), message: TraceValue.optional(), members: z.number().optional(),
  }),
  z.object({ ...base, kind: z.literal("console"), level: z.enum(["log", "info", "warn", "error", "debug"]), text: z.string() }),
  /** An error, with its stack mapped to the learner's source lines; `code` names a known situation. */
  z.object({
    ...base, kind: z.literal("error"), message: z.string(), stack: z.string().optional(), code: z.string().optional(),
    handler: z.string().optional(),
  }),
  /** What the server did with the connection: accepted, rejected with 403, 500, reset at the handshake timeout, closed. */
  z.object({
    ...base, kind: z.literal("server"),
    event: z.enum(["accepted", "rejected", "app_error", "handshake_timeout", "closed", "restarted", "disconnected"]),
    code: z.number().optional(), detail: z.string().optional(),
  }),
  /** The session's own life: code applied, a load failed, the sandbox was stopped or restarted. */
  z.object({
    ...base, kind: z.literal("lifecycle"), event: z.enum(["applied", "load_failed", "stopped", "restarted", "dropped"]),
    version: z.number().optional(), detail: z.string().optional(), count: z.number().optional(),
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

const ErrorData = z.object({ name: z.string().max(200), message: z.string().max(10_000), stack: z.string().max(50_000) });

/** What the tab's Python runtime did (python/playground/runtime.py): the TypeScript sandbox's ops, bytes as base64. */
export const PyOp = z.discriminatedUnion("op", [
  z.object({ op: z.literal("send"), cid: z.string(), message: z.record(z.string(), z.unknown()) }),
  z.object({ op: z.literal("end"), cid: z.string(), error: ErrorData.nullable() }),
  /** Checked in full when the session's trace numbers it. */
  z.object({ op: z.literal("trace"), entry: z.looseObject({ kind: z.string(), t: z.number().optional() }) }),
]);

/** An ASGI event of a Python session's connection, on its way to the tab (sandbox/ops.ts' SandboxEvent). */
export const PyEvent = z.looseObject({ k: z.enum(["open", "event", "drop"]), cid: z.string() });

const PyLoaded = z.object({
  type: z.literal("py_loaded"), version: z.number().int(), ok: z.boolean(), exports: z.array(z.string()).optional(),
  served: z.string().max(500).optional(), error: ErrorData.optional(), line: z.number().int().optional(), column: z.number().int().optional(),
});
const PyOps = z.object({ type: z.literal("py_ops"), version: z.number().int(), ops: z.array(PyOp).max(10_000) });
export type PyOps = z.infer<typeof PyOps>;
export type PyLoaded = z.infer<typeof PyLoaded>;

export const ClientMessage = z.discriminatedUnion("type", [
  /** The first message on a control socket: the session's secret token. */
  z.object({ type: z.literal("hello"), token: z.string().min(1).max(200), since: z.number().int().nonnegative().optional() }),
  /** Apply new code. */
  z.object({ type: z.literal("run"), code: z.string().max(MAX_CODE_LENGTH), language: Language.default("typescript") }),
  z.object({ type: z.literal("ping"), id: z.number().optional() }),
  /** From the tab running a Python session's app: a load's outcome, ops, and a stop (interrupt, memory). */
  PyLoaded,
  PyOps,
  z.object({
    type: z.literal("py_stopped"), version: z.number().int(), reason: z.enum(["timeout", "memory", "crashed"]), detail: z.string().max(2000),
    suspect: z.object({ cid: z.string().optional(), label: z.string().optional(), handler: z.string().optional() }),
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

/** The query parameter a test client uses to name itself in the log; stripped before the app sees the scope. */
export const CLIENT_LABEL_PARAM = "_client";
