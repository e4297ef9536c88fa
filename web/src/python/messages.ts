// Messages between the page and the Python worker (structured clone, same origin: checked by type only).
import type { LoadResult, RuntimeOp, Stop } from "../../../python/runner.ts";

export type ToWorker =
  /** The first message: where Pyodide is, and the interrupt buffer (absent when the page is not isolated). */
  | { t: "init"; base: string; interrupt: Uint8Array | null }
  | { t: "load"; version: number; code: string }
  | { t: "events"; events: unknown[] }
  | { t: "ping"; id: number };

export type FromWorker =
  | { t: "ready"; ms: number }
  | { t: "failed"; message: string }
  | { t: "loaded"; version: number; result: LoadResult }
  | { t: "ops"; ops: RuntimeOp[] }
  | { t: "stopped"; stop: Stop }
  /** `heap` is the size of the interpreter's memory in bytes: it only grows. */
  | { t: "pong"; id: number; heap: number };
