// Runs inside the isolate: what the runtime did (sends, timers, trace records) and the byte payloads it
// sent, kept until the host flushes them. Everything here is the runtime's own: the host reads it only
// through entry points it took before the learner's module ran, so the counts it is given are real.
import { BYTES, type SandboxOp } from "./ops.ts";

const stringify = JSON.stringify;
const U8 = Uint8Array;
const create = Object.create as (proto: null) => Record<number, unknown>;

let ops = create(null);
let op_count = 0;
let bins = create(null);
let bin_count = 0;
let bin_total = 0;
/** Counts flushes: a record emitted in the current generation can still be completed in place. */
let generation = 0;

export function emit(op: SandboxOp): void {
  ops[op_count++] = op;
}

export function current_generation(): number {
  return generation;
}

export function put_bytes(bytes: Uint8Array): { [BYTES]: number } {
  const copy = new U8(bytes); // a fresh, exact-size copy: never the learner's object
  bins[bin_count] = copy;
  bin_total += copy.byteLength;
  return { [BYTES]: bin_count++ };
}

/**
 * Everything that happened since the last flush: the timer ops (for the sandbox process), a NUL, then the
 * rest (for the server) as JSON. Bytes are taken with take_bytes.
 */
export function flush(): string {
  // Joined by hand: the arrays' prototype is the learner's to change, a string is not.
  let timer_ops = "";
  let out = "";
  for (let i = 0; i < op_count; i++) {
    const op = ops[i] as SandboxOp;
    if (op.op === "trace" && op.entry.kind === "handler" && op.entry.duration_ms === undefined) op.entry.running = true;
    const json = stringify(op);
    if (op.op === "timer" || op.op === "clear") timer_ops = timer_ops === "" ? json : `${timer_ops},${json}`;
    else out = out === "" ? json : `${out},${json}`;
  }
  generation++;
  ops = create(null);
  op_count = 0;
  return `[${timer_ops}]\u0000[${out}]`;
}

/** Number of byte payloads waiting; take each with take_bytes(i). */
export function bytes_count(): number {
  return bin_count;
}

/** Their total size in bytes. */
export function bytes_size(): number {
  return bin_total;
}

export function take_bytes(index: number): Uint8Array | undefined {
  const bytes = bins[index] as Uint8Array | undefined;
  if (index === bin_count - 1) drop_bytes();
  return bytes;
}

/** Forgets every payload (taken, or refused by the host as too many). */
export function drop_bytes(): void {
  bins = create(null);
  bin_count = 0;
  bin_total = 0;
}
