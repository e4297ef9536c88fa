// Messages between the playground server and a session's sandbox host process (Node IPC, structured clone).

/** At most this many byte payloads leave the isolate per turn. */
export const MAX_FLUSH_PAYLOADS = 10_000;

/** At most this many bytes leave the isolate per turn: the session's memory cap (the isolate holds no more). */
export function flush_bytes_cap(memory_mb: number): number {
  return memory_mb * 2 ** 20;
}

/**
 * What Node and isolated-vm take in a sandbox process besides the isolate's heap. Measured (Node 20,
 * isolated-vm 5.0.4): a sandbox process serving a loaded session is at about 52 MB RSS (VmData 104 MB);
 * holding 48 MB of arrays, 99 MB; a bomb stopped at the 64 MB heap cap peaked at 138 MB.
 */
export const PROCESS_ALLOWANCE_MB = 192;

/**
 * The sandbox process's resident memory cap: past it the server kills the process ("memory"). SANDBOX_PROCESS_MB
 * sets it outright (an operator's setting; the tests use a low one); the server and the process read the same.
 */
export function process_cap_mb(memory_mb: number): number {
  return Number(process.env.SANDBOX_PROCESS_MB) || memory_mb + PROCESS_ALLOWANCE_MB;
}

/**
 * RLIMIT_DATA of a sandbox process (it runs under one: measured VmData is 104 MB idle, 152 MB with a full
 * heap): it stops an allocation burst faster than the RSS poll, which remains the cap that reports.
 */
export function data_limit_mb(process_cap: number): number {
  return 2 * process_cap;
}

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

/** What the sandbox process sends back: its schema is from-sandbox.ts (the server parses every message with it). */
export type { FromSandbox } from "./from-sandbox.ts";
