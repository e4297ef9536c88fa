// What one turn of the event loop queued for a session's app, handed over as one batch. setImmediate, not
// nextTick: it runs after all the sockets that were ready have been read, so a batch carries what every
// client sent in that turn (each batch costs one message to the sandbox process or the Python tab).
// It also counts what it handed over and the receiver has not taken yet (in-flight.ts), from the moment an
// item is queued, so the session can stop reading its clients while the app is behind.
import { InFlight } from "./in-flight.ts";

export class TurnBatch<T> {
  private items: T[] = [];
  private bytes: Uint8Array[] = [];
  private scheduled = false;
  /** Size of this turn's items, in flight from the moment they are queued. */
  private queued = 0;
  private readonly in_flight = new InFlight();

  /** `send` hands a batch over; what it returns settles once the receiver has taken it (nothing: at once). */
  constructor(private readonly send: (items: T[], bytes: Uint8Array[]) => Promise<unknown> | void) {}

  push(item: T, size = 0): void {
    this.items.push(item);
    this.queued += size;
    this.in_flight.add(size);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Keeps `bytes` beside this turn's items; returns the index an item refers to it by. */
  attach(bytes: Uint8Array): number {
    return this.bytes.push(bytes) - 1;
  }

  /** While the receiver has not taken what was sent to it, a promise for when it has. */
  backlog(): Promise<void> | null {
    return this.in_flight.backlog();
  }

  /** Bytes handed over (or queued) and not yet taken. */
  get in_flight_bytes(): number {
    return this.in_flight.size;
  }

  /** Drops what is queued and what is on its way: the receiver is gone. */
  drop(): void {
    this.items = [];
    this.bytes = [];
    this.queued = 0;
    this.in_flight.reset();
  }

  private flush(): void {
    this.scheduled = false;
    const { items, bytes, queued } = this;
    this.items = [];
    this.bytes = [];
    this.queued = 0;
    if (items.length === 0) return;
    const taken = () => this.in_flight.taken(queued);
    const sent = this.send(items, bytes);
    if (sent === undefined) taken();
    else void sent.then(taken, taken);
  }
}
