// A session's trace: numbered, timestamped records in a bounded ring, streamed to whoever watches. A flood
// drops the oldest records and says how many.
import { TraceRecord, type TraceEntry } from "./protocol.ts";

export interface TraceSink {
  /** New records, oldest first; `dropped` counts records this sink never got since its last delivery. */
  deliver(records: TraceRecord[], dropped: number): void;
}

/** How often, and how much at most, a sink is sent: a flood cannot outrun a slow viewer. */
const FLUSH_MS = 50;
const MAX_PER_FLUSH = 1000;

class SinkQueue {
  pending: TraceRecord[] = [];
  dropped = 0;
  constructor(readonly sink: TraceSink) {}
}

export class TraceLog {
  private ring: TraceRecord[] = [];
  private seq = 0;
  private last_t = 0;
  /** Records that fell out of the ring before anyone read them. */
  dropped_total = 0;
  private sinks = new Set<SinkQueue>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly capacity: number, private readonly started_epoch: number) {}

  /** Numbers and timestamps an entry (its own `t` is epoch ms, or now); invalid entries are dropped. */
  add(entry: TraceEntry): void {
    const at = typeof entry.t === "number" ? entry.t : Date.now();
    this.last_t = Math.max(this.last_t, at - this.started_epoch);
    const parsed = TraceRecord.safeParse({ ...entry, seq: this.seq + 1, t: this.last_t });
    if (!parsed.success) return;
    this.seq++;
    const record = parsed.data;
    this.ring.push(record);
    if (this.ring.length > this.capacity) {
      this.ring.splice(0, this.ring.length - this.capacity);
      this.dropped_total++;
    }
    for (const queue of this.sinks) {
      queue.pending.push(record);
      if (queue.pending.length > MAX_PER_FLUSH) {
        queue.dropped += queue.pending.length - MAX_PER_FLUSH;
        queue.pending.splice(0, queue.pending.length - MAX_PER_FLUSH);
      }
    }
    if (this.sinks.size > 0 && this.timer === null) this.timer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.timer = null;
    for (const queue of this.sinks) {
      if (queue.pending.length === 0 && queue.dropped === 0) continue;
      const records = queue.pending;
      const dropped = queue.dropped;
      queue.pending = [];
      queue.dropped = 0;
      queue.sink.deliver(records, dropped);
    }
  }

  /** Starts streaming to `sink`, first with the kept records after `since`. */
  attach(sink: TraceSink, since = 0): void {
    const queue = new SinkQueue(sink);
    const kept = this.ring.filter((r) => r.seq > since);
    queue.dropped = Math.max(0, kept.length - MAX_PER_FLUSH);
    queue.pending = kept.slice(-MAX_PER_FLUSH);
    const missing = since < this.seq && kept.length > 0 ? kept[0]!.seq - since - 1 : 0;
    queue.dropped += Math.max(0, missing);
    this.sinks.add(queue);
    if (this.timer === null) this.timer = setTimeout(() => this.flush(), 0);
  }

  detach(sink: TraceSink): void {
    for (const queue of this.sinks) if (queue.sink === sink) this.sinks.delete(queue);
  }

  get watchers(): number {
    return this.sinks.size;
  }

  /** The kept records (for tests and exports). */
  records(): readonly TraceRecord[] {
    return this.ring;
  }
}
