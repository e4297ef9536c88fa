// A session's trace: numbered, timestamped records in a ring bounded by count and bytes, streamed to whoever
// watches. Budgets are in bytes because one record can be large: a flood drops the oldest records and says
// how many, a viewer that stops reading gets nothing more until it does, and one that stays stuck is dropped.
import { TRACE_TEXT_LIMITS, TraceRecord, type TraceEntry } from "./protocol.ts";

export interface TraceSink {
  /**
   * One `trace` control message, already serialized. Resolves when the sink can take the next one (its
   * socket drained); until then its records wait in a bounded queue.
   */
  deliver(frame: string): Promise<void>;
  /** The sink did not take a frame for SLOW_SINK_MS: it is dropped rather than buffered for. */
  too_slow(): void;
}

export interface TraceBudget {
  /** Records the ring keeps. */
  records: number;
  /** Bytes of serialized records the ring keeps. */
  ring_bytes: number;
  /** Bytes one viewer may have waiting (a replay included). */
  sink_bytes: number;
  /** Bytes of records in one frame (a control frame may not exceed the server's 1 MiB message limit). */
  frame_bytes: number;
  /**
   * Bytes of records the app's runtime may hand over per second: checking and serializing them is the
   * server's work, so one chatty app cannot take the server's time from everyone else.
   */
  app_bytes_per_s: number;
}

export const DEFAULT_TRACE_BUDGET: TraceBudget = {
  records: 5000, ring_bytes: 8 * 1024 * 1024, sink_bytes: 1024 * 1024, frame_bytes: 256 * 1024, app_bytes_per_s: 2 * 1024 * 1024,
};

/** How often a sink is sent what it has, and how many records one frame carries at most. */
const FLUSH_MS = 50;
const MAX_PER_FRAME = 1000;
export const SLOW_SINK_MS = 10_000;

interface Kept {
  record: TraceRecord;
  json: string;
}

class SinkQueue {
  pending: Kept[] = [];
  /** The first pending record not yet sent (the queue is trimmed lazily). */
  head = 0;
  bytes = 0;
  dropped = 0;
  /** A frame is in flight: the next waits until the sink has taken it. */
  busy = false;
  constructor(readonly sink: TraceSink) {}

  push(kept: Kept, budget: number): void {
    this.pending.push(kept);
    this.bytes += kept.json.length;
    while (this.bytes > budget && this.head < this.pending.length) {
      this.bytes -= this.pending[this.head++]!.json.length;
      this.dropped++;
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }

  get waiting(): boolean {
    return this.head < this.pending.length || this.dropped > 0;
  }

  /** The next frame: the oldest pending records up to the frame budget (at least one). */
  take(frame_bytes: number): string {
    const parts: string[] = [];
    let size = 0;
    while (this.head < this.pending.length && parts.length < MAX_PER_FRAME) {
      const { json } = this.pending[this.head]!;
      if (parts.length > 0 && size + json.length > frame_bytes) break;
      parts.push(json);
      size += json.length;
      this.bytes -= json.length;
      this.head++;
    }
    if (this.head === this.pending.length) {
      this.pending = [];
      this.head = 0;
    }
    const dropped = this.dropped;
    this.dropped = 0;
    return trace_frame(parts, dropped);
  }
}

/** The ServerMessage `trace` ({ type, records, dropped? }) from records serialized once, when they were added. */
function trace_frame(records: string[], dropped: number): string {
  return `{"type":"trace","records":[${records.join(",")}]${dropped > 0 ? `,"dropped":${dropped}` : ""}}`;
}

function clip(text: unknown, max: number): unknown {
  return typeof text === "string" && text.length > max ? `${text.slice(0, max - 40)}… (${text.length} characters)` : text;
}

/** Long texts are cut rather than the record refused: an error with a 4 MB message still shows its start. */
function clipped(entry: TraceEntry): TraceEntry {
  const e = entry as Record<string, unknown>;
  const out: Record<string, unknown> = { ...e };
  for (const [field, max] of Object.entries(TRACE_TEXT_LIMITS)) if (field in e) out[field] = clip(e[field], max);
  if ("error" in e) out.error = clip(e.error, TRACE_TEXT_LIMITS.message);
  return out as TraceEntry;
}

export class TraceLog {
  private ring: Kept[] = [];
  private ring_head = 0;
  private ring_bytes = 0;
  private seq = 0;
  private last_t = 0;
  /** Records that fell out of the ring before anyone read them. */
  dropped_total = 0;
  /** Entries refused by the record schema (a forged or broken runtime's); the session logs them. */
  refused = 0;
  private sinks = new Set<SinkQueue>();
  private timer: NodeJS.Timeout | null = null;
  private readonly budget: TraceBudget;
  /** The app's current second: when it began, what it handed over, and what was past the budget. */
  private window = { start: 0, bytes: 0, dropped: 0 };

  constructor(budget: Partial<TraceBudget>, private readonly started_epoch: number) {
    this.budget = { ...DEFAULT_TRACE_BUDGET, ...budget };
  }

  /** Numbers and timestamps an entry (its own `t` is epoch ms, or now); an invalid one is counted and dropped. */
  add(entry: TraceEntry): boolean {
    const at = typeof entry.t === "number" && Number.isFinite(entry.t) ? entry.t : Date.now();
    const t = Math.max(this.last_t, at - this.started_epoch);
    const parsed = TraceRecord.safeParse({ ...clipped(entry), seq: this.seq + 1, t });
    if (!parsed.success) {
      this.refused++;
      return false;
    }
    this.last_t = t;
    this.seq++;
    const kept = { record: parsed.data, json: JSON.stringify(parsed.data) };
    this.keep(kept);
    for (const queue of this.sinks) queue.push(kept, this.budget.sink_bytes);
    this.schedule(FLUSH_MS);
    return true;
  }

  /** An entry from the app's runtime, `size` its estimated length: past the second's budget it is only counted. */
  add_from_app(entry: TraceEntry, size: number): boolean {
    const now = Date.now();
    const w = this.window;
    if (now - w.start >= 1000) {
      if (w.dropped > 0) {
        const detail = `the app traced more than ${this.budget.app_bytes_per_s} bytes in a second; the rest was not kept`;
        this.add({ kind: "lifecycle", event: "dropped", count: w.dropped, detail });
      }
      this.window = { start: now, bytes: 0, dropped: 0 };
    }
    if (this.window.bytes + size > this.budget.app_bytes_per_s) {
      this.window.dropped++;
      return true;
    }
    this.window.bytes += size;
    return this.add(entry);
  }

  private keep(kept: Kept): void {
    this.ring.push(kept);
    this.ring_bytes += kept.json.length;
    while (this.ring.length - this.ring_head > this.budget.records || this.ring_bytes > this.budget.ring_bytes) {
      this.ring_bytes -= this.ring[this.ring_head++]!.json.length;
      this.dropped_total++;
    }
    if (this.ring_head > 1024 && this.ring_head * 2 > this.ring.length) {
      this.ring = this.ring.slice(this.ring_head);
      this.ring_head = 0;
    }
  }

  private schedule(ms: number): void {
    if (this.sinks.size > 0 && this.timer === null) this.timer = setTimeout(() => this.flush(), ms);
  }

  private flush(): void {
    this.timer = null;
    for (const queue of this.sinks) {
      if (queue.busy || !queue.waiting) continue;
      queue.busy = true;
      const watch = setTimeout(() => {
        this.sinks.delete(queue);
        queue.sink.too_slow();
      }, SLOW_SINK_MS);
      const done = () => {
        clearTimeout(watch);
        queue.busy = false;
        if (queue.waiting) this.schedule(FLUSH_MS);
      };
      queue.sink.deliver(queue.take(this.budget.frame_bytes)).then(done, done);
    }
  }

  /** Starts streaming to `sink`, first with the kept records after `since`, as many as its budget holds. */
  attach(sink: TraceSink, since = 0): void {
    const queue = new SinkQueue(sink);
    const first = this.ring_head + Math.max(0, this.ring.slice(this.ring_head).findIndex((k) => k.record.seq > since));
    const kept = since >= this.seq ? [] : this.ring.slice(first);
    for (const k of kept) queue.push(k, this.budget.sink_bytes);
    const missing = kept.length > 0 ? kept[0]!.record.seq - since - 1 : 0;
    queue.dropped += Math.max(0, missing);
    this.sinks.add(queue);
    this.schedule(0);
  }

  detach(sink: TraceSink): void {
    for (const queue of this.sinks) if (queue.sink === sink) this.sinks.delete(queue);
  }

  get watchers(): number {
    return this.sinks.size;
  }

  /** The kept records (for tests and exports). */
  records(): TraceRecord[] {
    return this.ring.slice(this.ring_head).map((k) => k.record);
  }

  /** Bytes the ring and every viewer's queue hold. */
  get bytes(): { ring: number; sinks: number } {
    let sinks = 0;
    for (const queue of this.sinks) sinks += queue.bytes;
    return { ring: this.ring_bytes, sinks };
  }
}
