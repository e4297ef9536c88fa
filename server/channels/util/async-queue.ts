// asyncio.Queue, as far as the testing helpers need it.
import { TimeoutError } from "../exceptions.ts";
import { Deque } from "./deque.ts";
import { clear_timer, set_timer } from "./timers.ts";

interface Getter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

export class AsyncQueue<T> {
  private items = new Deque<T>();
  private getters = new Deque<Getter<T>>();
  private failure: { error: unknown } | null = null;

  get size(): number {
    return this.items.length;
  }

  put(value: T): void {
    const getter = this.getters.shift();
    if (getter !== undefined) getter.resolve(value);
    else this.items.push(value);
  }

  get(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift() as T);
    if (this.failure !== null) return Promise.reject(this.failure.error);
    return new Promise<T>((resolve, reject) => this.getters.push({ resolve, reject }));
  }

  /** get() that gives up after `seconds` with TimeoutError; a value arriving later stays queued. */
  get_within(seconds: number): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift() as T);
    if (this.failure !== null) return Promise.reject(this.failure.error);
    return new Promise<T>((resolve, reject) => {
      const getter: Getter<T> = {
        resolve: (value) => { clear_timer(timer); resolve(value); },
        reject: (error) => { clear_timer(timer); reject(error); },
      };
      const timer = set_timer(() => {
        this.getters.remove(getter);
        reject(new TimeoutError(`Nothing was received within ${seconds} s`));
      }, seconds * 1000);
      this.getters.push(getter);
    });
  }

  /** Rejects every waiting and future get() with `error`, once queued values are used up. */
  fail(error: unknown): void {
    this.failure ??= { error };
    for (let getter = this.getters.shift(); getter !== undefined; getter = this.getters.shift()) getter.reject(error);
  }
}
