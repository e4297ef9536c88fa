/** A FIFO queue with O(1) push and shift (Array#shift is O(n) on long queues). */
export class Deque<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(value: T): void {
    this.items.push(value);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const value = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return value;
  }

  /** Removes the first element equal to `value`; returns whether one was found. */
  remove(value: T): boolean {
    const i = this.items.indexOf(value, this.head);
    if (i === -1) return false;
    this.items.splice(i, 1);
    if (this.head === this.items.length) this.clear();
    return true;
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as T;
  }
}
