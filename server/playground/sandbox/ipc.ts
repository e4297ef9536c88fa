// Messages between the playground server and a session's sandbox host process (Node IPC, structured clone).

export interface SandboxLimits {
  handler_timeout_ms: number;
  memory_mb: number;
}

export type ToSandbox =
  | { t: "load"; version: number; runtime: string; code: string; limits: SandboxLimits }
  /** `events` is the JSON of a SandboxEvent[]: it goes into the isolate as it is. */
  | { t: "batch"; events: string; bytes: Uint8Array[] }
  | { t: "tracing"; on: boolean }
  | { t: "ping"; id: number };

export type StopReason = "timeout" | "memory" | "crashed";

export type FromSandbox =
  | { t: "loaded"; version: number; ok: true; exports: string[]; ms: number }
  | { t: "loaded"; version: number; ok: false; error: { name: string; message: string; stack: string } }
  /** `ops` is the JSON of a SandboxOp[] (no timer ops) as the isolate wrote it; the server checks each op. */
  | { t: "ops"; version: number; ops: string; bytes: Uint8Array[] }
  /** The isolate was stopped (its connections are gone); `suspect` names what was running. */
  | { t: "stopped"; version: number; reason: StopReason; detail: string; suspect: { cid?: string; label?: string; handler?: string; timer?: number } }
  | { t: "pong"; id: number };
