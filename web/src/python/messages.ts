// Messages between the page and the Python worker. The worker runs learner code, which can post anything
// the worker can (Pyodide's `js` module reaches postMessage), so what comes from it is bounded and parsed
// with this schema before the page acts on it; its ops are parsed again, strictly, by the server.
import { z } from "zod";
import { ErrorData, MAX_OPS_PER_BATCH } from "../../../server/playground/app-ops.ts";
import { CONTROL_LIMITS, Suspect } from "../../../server/playground/protocol.ts";
import { json_violation } from "../../../server/playground/json-limits.ts";

export type ToWorker =
  /** The first message: where Pyodide is, and the interrupt buffer (absent when the page is not isolated). */
  | { t: "init"; base: string; interrupt: Uint8Array | null }
  | { t: "load"; version: number; code: string }
  | { t: "events"; events: unknown[] }
  | { t: "ping"; id: number };

const LoadResult = z.union([
  z.object({ ok: z.literal(true), exports: z.array(z.string().max(300)).max(1000), served: z.string().max(500) }),
  z.object({ ok: z.literal(false), error: ErrorData, line: z.number().int().optional(), column: z.number().int().optional() }),
]);

export const FromWorker = z.discriminatedUnion("t", [
  z.object({ t: z.literal("ready"), ms: z.number() }),
  z.object({ t: z.literal("failed"), message: z.string().max(10_000) }),
  z.object({ t: z.literal("loaded"), version: z.number().int(), result: LoadResult }),
  z.object({ t: z.literal("ops"), ops: z.array(z.looseObject({ op: z.enum(["send", "end", "trace"]) })).max(MAX_OPS_PER_BATCH) }),
  z.object({
    t: z.literal("stopped"),
    stop: z.object({ reason: z.enum(["timeout", "memory", "crashed"]), detail: z.string().max(2000), suspect: Suspect }),
  }),
  /** `heap` is the size of the interpreter's memory in bytes: it only grows. */
  z.object({ t: z.literal("pong"), id: z.number(), heap: z.number() }),
]);
export type FromWorker = z.infer<typeof FromWorker>;

/** The worker's message, or null (with the reason on the console) when it is not one. */
export function parse_from_worker(data: unknown): FromWorker | null {
  const violation = json_violation(data, CONTROL_LIMITS);
  const parsed = violation === null ? FromWorker.safeParse(data) : null;
  if (parsed?.success) return parsed.data;
  console.warn("Dropped a message from the Python worker that does not match its schema", violation ?? parsed?.error.issues);
  return null;
}
