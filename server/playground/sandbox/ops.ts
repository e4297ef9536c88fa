// What crosses between the playground's sandbox host and the runtime inside the isolate: plain JSON.
// Bytes travel beside the JSON, and the JSON refers to them as { "$b": index }.
import type { TraceEntry } from "../protocol.ts";

export interface WireScope {
  path: string;
  raw_path: string;
  query_string: string;
  headers: Array<[string, string]>;
  subprotocols: string[];
  client: [string, number] | null;
  server: [string, number | null] | null;
}

/** Host -> runtime. */
export type SandboxEvent =
  | { k: "open"; cid: string; label: string; scope: WireScope }
  | { k: "event"; cid: string; event: Record<string, unknown> }
  /** The connection is gone on the server's side (protocol error, shutdown): stop its app. */
  | { k: "drop"; cid: string }
  | { k: "timer"; id: number };

/** Runtime -> host. */
export type SandboxOp =
  | { op: "send"; cid: string; message: Record<string, unknown> }
  | { op: "end"; cid: string; error: { name: string; message: string; stack: string } | null }
  | { op: "timer"; id: number; ms: number; repeat: boolean }
  | { op: "clear"; id: number }
  | { op: "trace"; entry: TraceEntry };

export const BYTES = "$b";
