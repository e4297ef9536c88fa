// What the place a learner's app runs (the TypeScript sandbox process, or the Python tab) may ask of the
// server, as one strict schema. Both are less trusted than the server: learner code can forge any op there.
// Every op is parsed here before the session acts on it; a bad one is reported with the connection it names,
// so the session can close that connection with 1011 and keep serving everyone else.
import { z } from "zod";
import { json_measure, type JsonLimits } from "./json-limits.ts";

/** A connection id the session gave out (c1, c2, ...). */
const Cid = z.string().min(1).max(64);
const Text = (max: number) => z.string().max(max);

/** Bytes travel beside the JSON: an index into the batch's byte arrays (sandbox), or base64 (Python tab). */
const BytesRef = z.union([
  z.strictObject({ $b: z.number().int().nonnegative().max(100_000) }),
  z.strictObject({ $b64: z.string().max(2 * 1024 * 1024).regex(/^[A-Za-z0-9+/]*={0,2}$/) }),
]);

/** The app's websocket messages as the runtime writes them after its own checks (headers as latin1 text). */
export const AppSend = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("websocket.accept"), subprotocol: Text(1024).nullish(),
    headers: z.array(z.tuple([Text(1024), Text(8192)])).max(100).optional(),
  }),
  z.strictObject({ type: z.literal("websocket.close"), code: z.number().int().optional(), reason: Text(1024).optional() }),
  z.strictObject({ type: z.literal("websocket.send"), text: Text(4 * 1024 * 1024).optional(), bytes: BytesRef.optional() }),
]);
export type AppSend = z.infer<typeof AppSend>;

/** A machine code an error carries from where it happened to the UI's hints (NO_HANDLER, WS_SEND_BEFORE_ACCEPT, ...). */
export const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
export const ErrorData = z.object({ name: Text(200), message: Text(10_000), stack: Text(50_000), code: z.string().regex(ERROR_CODE).optional() });
export type ErrorData = z.infer<typeof ErrorData>;

/** Any op's bounds: a send carries at most a message of the server's 1 MiB limit, as text or base64. */
const OP_LIMITS: JsonLimits = { depth: 24, size: 8 * 1024 * 1024 };
/** Trace entries are checked in full (TraceRecord) when the session numbers them; here only their size. */
const MAX_TRACE_ENTRY = 512 * 1024;

export const AppOp = z.discriminatedUnion("op", [
  z.strictObject({ op: z.literal("send"), cid: Cid, message: AppSend }),
  z.strictObject({ op: z.literal("end"), cid: Cid, error: ErrorData.nullable() }),
  z.strictObject({ op: z.literal("trace"), entry: z.looseObject({ kind: z.string().max(32), t: z.number().optional() }) }),
]);
export type AppOp = z.infer<typeof AppOp>;
/** A parsed op with its size estimate (what the session's trace budget counts). */
export type SizedOp = AppOp & { size: number };

/** An op that did not parse: `cid` names its connection when the op said which. */
export interface BadOp {
  op: "bad";
  cid?: string;
  reason: string;
}

/** The most ops one batch may carry; the rest are reported as one bad op. */
export const MAX_OPS_PER_BATCH = 10_000;

function parse_op(raw: unknown): SizedOp | BadOp {
  const cid = raw !== null && typeof raw === "object" && Cid.safeParse((raw as { cid?: unknown }).cid).success
    ? (raw as { cid: string }).cid : undefined;
  // The bound comes first: zod and everything after it recurse.
  const { violation, size } = json_measure(raw, OP_LIMITS);
  if (violation !== null) return { op: "bad", cid, reason: `an op ${violation}` };
  if (size > MAX_TRACE_ENTRY && (raw as { op?: unknown }).op === "trace") return { op: "bad", reason: `a trace entry larger than ${MAX_TRACE_ENTRY} characters` };
  const parsed = AppOp.safeParse(raw);
  if (parsed.success) return Object.assign(parsed.data, { size });
  const issue = parsed.error.issues[0]!;
  return { op: "bad", cid, reason: `${issue.path.join(".") || "op"}: ${issue.message}` };
}

/** Parses a batch of ops as it arrived (already JSON-decoded, nothing else trusted). */
export function parse_ops(raw: unknown): Array<SizedOp | BadOp> {
  if (!Array.isArray(raw)) return [{ op: "bad", reason: "the ops are not a list" }];
  const ops = raw.slice(0, MAX_OPS_PER_BATCH).map(parse_op);
  if (raw.length > MAX_OPS_PER_BATCH) ops.push({ op: "bad", reason: `more than ${MAX_OPS_PER_BATCH} ops in one batch` });
  return ops;
}
