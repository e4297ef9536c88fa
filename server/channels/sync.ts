// asgiref.sync for a single-threaded runtime. A SyncConsumer handler is a plain function; what it starts
// (sends, `async_to_sync(layer.group_send)(...)`) runs in call order and is finished before the consumer
// takes its next event, which is what Python's blocking calls guarantee.
import { RuntimeError } from "./exceptions.ts";
import { is_thenable } from "./utils.ts";

const noop = () => {};
let current: SyncContext | null = null;

export class SyncContext {
  private pending: PromiseLike<unknown>[] = [];

  /** Remembers work a handler started; it is awaited before the next event. */
  track(result: unknown): void {
    if (!is_thenable(result)) return;
    result.then(undefined, noop); // observed later by settle(); never an unhandled rejection
    this.pending.push(result);
  }

  /** Runs a sync handler; returns a promise only when it started async work that must finish first. */
  run(handler: () => unknown, name: string): void | Promise<void> {
    const previous = current;
    current = this;
    let result: unknown;
    try {
      result = handler();
    } catch (error) {
      this.pending = [];
      throw error;
    } finally {
      current = previous;
    }
    if (is_thenable(result)) {
      this.track(result);
      this.pending = [];
      throw new TypeError(
        `${name}() returned a Promise, but a SyncConsumer's handlers are plain functions. ` +
          "Use AsyncConsumer (or AsyncWebsocketConsumer) for async handlers, or async_to_sync() for one call.",
      );
    }
    return this.settle();
  }

  private settle(): void | Promise<void> {
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    return (async () => {
      for (const work of pending) await work;
    })();
  }
}

/**
 * `async_to_sync(fn)(...args)` inside a SyncConsumer handler: starts `fn` now and finishes it before the
 * consumer's next event. JavaScript cannot block, so the result is not returned; use an AsyncConsumer
 * when you need it.
 */
export function async_to_sync<A extends unknown[]>(fn: (...args: A) => PromiseLike<unknown> | unknown): (...args: A) => void {
  return (...args: A) => {
    if (current === null) {
      throw new RuntimeError(
        "You cannot use AsyncToSync in the same thread as an async event loop - just await the async function directly.",
      );
    }
    current.track(fn(...args));
  };
}

/** `sync_to_async(fn)`: an async function calling `fn` (there is no thread pool to hand it to). */
export function sync_to_async<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<Awaited<R>> {
  return async (...args: A): Promise<Awaited<R>> => await fn(...args);
}

export const database_sync_to_async = sync_to_async;
