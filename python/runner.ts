// Drives python/playground/runtime.py in a Pyodide: the browser's worker runs a session's Python app with
// it, and the Node tests run the same code as a stand-in tab. Runtime-neutral: no DOM, no Node imports.
import type { PyodideInterface } from "pyodide";
import type { PyProxy } from "pyodide/ffi";

export type LoadResult =
  | { ok: true; exports: string[]; served: string }
  | { ok: false; error: { name: string; message: string; stack: string }; line?: number; column?: number };

export interface Stop {
  reason: "timeout" | "memory" | "crashed";
  detail: string;
  suspect: { cid?: string; label?: string; handler?: string };
}

/** An op of runtime.py (send, end, trace) as JSON; "stopped" is taken out and reported on its own. */
export type RuntimeOp = { op: "send" | "end" | "trace" } & Record<string, unknown>;

export interface Runner {
  /** Runs a new version of the module; the old one keeps serving unless it loads. */
  load(code: string): LoadResult;
  /** The server's events (sandbox/ops.ts' SandboxEvent, bytes as base64), in order. */
  dispatch(events: unknown[]): void;
  close(): void;
}

interface PyRuntime extends PyProxy {
  load(code: string): string;
  dispatch(events: string): void;
  close(): void;
}

export function start_runner(py: PyodideInterface, post: (ops: RuntimeOp[]) => void, stopped: (stop: Stop) => void): Runner {
  const module = py.pyimport("playground.runtime") as PyProxy & { Runtime(post: (json: string) => void): PyRuntime };
  const runtime = module.Runtime((json) => {
    const ops = JSON.parse(json) as Array<RuntimeOp | ({ op: "stopped" } & Stop)>;
    const stop = ops.find((op): op is { op: "stopped" } & Stop => op.op === "stopped");
    const rest = ops.filter((op): op is RuntimeOp => op.op !== "stopped");
    if (rest.length > 0) post(rest);
    if (stop) stopped({ reason: stop.reason, detail: stop.detail, suspect: stop.suspect });
  });
  module.destroy();
  let closed = false;
  return {
    load: (code) => JSON.parse(runtime.load(code)) as LoadResult,
    dispatch: (events) => runtime.dispatch(JSON.stringify(events)),
    close: () => {
      if (closed) return;
      closed = true;
      runtime.close();
      runtime.destroy();
    },
  };
}
