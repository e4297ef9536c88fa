// What one turn of the event loop queued for a session's app, handed over as one batch. setImmediate, not
// nextTick: it runs after all the sockets that were ready have been read, so a batch carries what every
// client sent in that turn (each batch costs one message to the sandbox process or the Python tab).
export class TurnBatch<T> {
  private items: T[] = [];
  private bytes: Uint8Array[] = [];
  private scheduled = false;

  constructor(private readonly send: (items: T[], bytes: Uint8Array[]) => void) {}

  push(item: T): void {
    this.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Keeps `bytes` beside this turn's items; returns the index an item refers to it by. */
  attach(bytes: Uint8Array): number {
    return this.bytes.push(bytes) - 1;
  }

  /** Drops what is queued (its receiver is gone). */
  clear(): void {
    this.items = [];
    this.bytes = [];
  }

  private flush(): void {
    this.scheduled = false;
    const { items, bytes } = this;
    this.clear();
    if (items.length > 0) this.send(items, bytes);
  }
}
