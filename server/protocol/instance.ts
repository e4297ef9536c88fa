// One application instance per connection: the app's run, and the queue its `receive` reads.
import { CancelledError, type ASGIApp, type ASGIReceiveEvent, type Scope, type Send } from "../channels/index.ts";
import { Deque } from "../channels/util/deque.ts";

interface Waiter {
  resolve(event: ASGIReceiveEvent): void;
  reject(error: unknown): void;
}

export class ApplicationInstance {
  /** Settles when the app returns or throws. */
  readonly done: Promise<void>;
  finished = false;
  /** Stopped by the server (close timeout or shutdown): receive() throws CancelledError from then on. */
  killed = false;
  private readonly items = new Deque<ASGIReceiveEvent>();
  private waiter: Waiter | null = null;
  private low_water: { at: number; callback: () => void } | null = null;

  constructor(app: ASGIApp, scope: Scope, send: Send) {
    let done: Promise<void>;
    try {
      done = app(scope, this.receive, send);
    } catch (error) {
      done = Promise.reject(error); // an app that throws before returning its promise
    }
    this.done = done.finally(() => {
      this.finished = true;
      this.items.clear();
    });
  }

  /** Events waiting for the app to read them. */
  get backlog(): number {
    return this.items.length;
  }

  readonly receive = (): Promise<ASGIReceiveEvent> => {
    const event = this.items.shift();
    if (event !== undefined) {
      if (this.low_water !== null && this.items.length <= this.low_water.at) {
        const { callback } = this.low_water;
        this.low_water = null;
        callback();
      }
      return Promise.resolve(event);
    }
    if (this.killed) return Promise.reject(new CancelledError());
    return new Promise<ASGIReceiveEvent>((resolve, reject) => (this.waiter = { resolve, reject }));
  };

  /** Queues an event for the app; events for a finished or stopped app are dropped, not kept. */
  put(event: ASGIReceiveEvent): void {
    if (this.finished || this.killed) return;
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter.resolve(event);
    } else {
      this.items.push(event);
    }
  }

  /** Calls `callback` once, when the app has read its backlog down to `at` events. */
  when_backlog_at(at: number, callback: () => void): void {
    this.low_water = { at, callback };
  }

  /** Stops the app at its next receive() (a promise cannot be cancelled from outside). */
  kill(): void {
    if (this.finished || this.killed) return;
    this.killed = true;
    this.items.clear();
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(new CancelledError());
  }
}
