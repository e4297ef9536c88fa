// One application instance per connection: the app's run, and the queue its `receive` reads.
// Lean on purpose: an idle connection holds one of these for as long as it is open.
import { CancelledError, type ASGIApp, type ASGIReceiveEvent, type Scope, type Send } from "../channels/index.ts";
import { Deque } from "../channels/util/deque.ts";

/** Told when the app returns (error undefined) or throws. */
export interface InstanceOwner {
  app_ended(instance: ApplicationInstance, error: unknown): void;
}

export class ApplicationInstance {
  finished = false;
  /** Stopped by the server (close timeout or shutdown): receive() throws CancelledError from then on. */
  killed = false;
  /** Allocated only while events wait for the app. */
  private items: Deque<ASGIReceiveEvent> | null = null;
  private resolve: ((event: ASGIReceiveEvent) => void) | null = null;
  private reject: ((error: unknown) => void) | null = null;
  private low_water: { at: number; bytes: number; callback: () => void } | null = null;
  /** Payload size of the events waiting (text in UTF-16 units, bytes in bytes): what `backlog_bytes` reads. */
  private queued_size = 0;

  constructor(app: ASGIApp, scope: Scope, send: Send, private readonly owner: InstanceOwner) {
    let done: Promise<void>;
    try {
      done = app(scope, this.receive, send);
    } catch (error) {
      done = Promise.reject(error); // an app that throws before returning its promise
    }
    done.then(() => this.end(undefined), (error: unknown) => this.end(error ?? new Error(String(error))));
  }

  private end(error: unknown): void {
    this.finished = true;
    this.items = null;
    this.queued_size = 0;
    this.owner.app_ended(this, error);
  }

  /** Events waiting for the app to read them. */
  get backlog(): number {
    return this.items?.length ?? 0;
  }

  /** Size of the client messages waiting for the app. */
  get backlog_bytes(): number {
    return this.queued_size;
  }

  readonly receive = (): Promise<ASGIReceiveEvent> => {
    const event = this.items?.shift();
    if (event !== undefined) {
      this.queued_size -= payload_size(event);
      if (this.low_water !== null && this.items!.length <= this.low_water.at && this.queued_size <= this.low_water.bytes) {
        const { callback } = this.low_water;
        this.low_water = null;
        callback();
      }
      return Promise.resolve(event);
    }
    if (this.killed) return Promise.reject(new CancelledError());
    return new Promise<ASGIReceiveEvent>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  };

  /** Queues an event for the app; events for a finished or stopped app are dropped, not kept. */
  put(event: ASGIReceiveEvent): void {
    if (this.finished || this.killed) return;
    const resolve = this.resolve;
    if (resolve !== null) {
      this.resolve = this.reject = null;
      resolve(event);
    } else {
      (this.items ??= new Deque()).push(event);
      this.queued_size += payload_size(event);
    }
  }

  /** Calls `callback` once, when the app has read its backlog down to `at` events and `bytes` of payload. */
  when_backlog_at(at: number, bytes: number, callback: () => void): void {
    this.low_water = { at, bytes, callback };
  }

  /** Stops the app at its next receive() (a promise cannot be cancelled from outside). */
  kill(): void {
    if (this.finished || this.killed) return;
    this.killed = true;
    this.items = null;
    this.queued_size = 0;
    const reject = this.reject;
    this.resolve = this.reject = null;
    reject?.(new CancelledError());
  }
}

function payload_size(event: ASGIReceiveEvent): number {
  if (event.type !== "websocket.receive") return 0;
  return event.bytes?.length ?? event.text?.length ?? 0;
}
