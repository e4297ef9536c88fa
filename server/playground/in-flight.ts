// Bytes a session handed to where its app runs (a sandbox process's pipe, the Python tab's socket) that have
// not been taken yet. While too many wait, the session stops reading its test clients' events, so the rest
// waits in the clients' own sockets (the protocol server's inbound backlog), not in the server's memory.

/** Past this many bytes waiting, the session stops taking client events until half of them are taken. */
export const IN_FLIGHT_HIGH = 1024 * 1024;

export class InFlight {
  private bytes = 0;
  private waiting: { promise: Promise<void>; resolve: () => void } | null = null;

  constructor(private readonly high = IN_FLIGHT_HIGH) {}

  /** Bytes waiting now. */
  get size(): number {
    return this.bytes;
  }

  add(bytes: number): void {
    this.bytes += bytes;
  }

  taken(bytes: number): void {
    this.bytes = Math.max(0, this.bytes - bytes);
    if (this.waiting !== null && this.bytes <= this.high / 2) this.release();
  }

  /** A promise that resolves when the receiver has caught up, or null when it has. */
  backlog(): Promise<void> | null {
    if (this.bytes <= this.high) return null;
    if (this.waiting === null) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.waiting = { promise, resolve };
    }
    return this.waiting.promise;
  }

  /** The receiver is gone: what was on its way to it is dropped, and nothing waits any more. */
  reset(): void {
    this.bytes = 0;
    this.release();
  }

  private release(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve();
  }
}

/** What an event costs in flight, roughly: its text or bytes, and a little for the rest of its JSON. */
export function event_size(event: object, bytes?: Uint8Array): number {
  const text = "event" in event ? (event.event as { text?: unknown }).text : undefined;
  return 64 + (typeof text === "string" ? text.length : 0) + (bytes?.byteLength ?? 0);
}
