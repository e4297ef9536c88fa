/** Something to tell when a wait is cancelled (an object, so that waiting costs no closure). */
export interface Cancellable {
  cancelled(): void;
}

/** A cancellation token that needs no host globals (AbortController is missing in a bare isolate). */
export interface CancelSignal {
  readonly aborted: boolean;
  /** Tells `target` on cancel, or at once if already cancelled. */
  on_cancel(target: Cancellable): void;
  off_cancel(target: Cancellable): void;
}

/** Usually one waiter at a time (a consumer's channel-layer read), so one slot, then a list. */
export class Cancellation implements CancelSignal {
  aborted = false;
  private one: Cancellable | null = null;
  private more: Cancellable[] | null = null;

  on_cancel(target: Cancellable): void {
    if (this.aborted) target.cancelled();
    else if (this.one === null) this.one = target;
    else (this.more ??= []).push(target);
  }

  off_cancel(target: Cancellable): void {
    if (this.one === target) this.one = null;
    else if (this.more !== null) this.more = this.more.filter((t) => t !== target);
  }

  cancel(): void {
    if (this.aborted) return;
    this.aborted = true;
    const targets = [...(this.one ? [this.one] : []), ...(this.more ?? [])];
    this.one = this.more = null;
    for (const target of targets) target.cancelled();
  }
}

export function is_thenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function";
}

/**
 * Channels' `await_many_dispatch` (channels/utils.py): one pending read per source; when any is ready,
 * sources are scanned in list order (the client before the channel layer) and each ready message is
 * dispatched, and awaited, before that source is read again. So handlers never overlap and per-source
 * order holds. Written as a small state machine rather than an async loop: every idle connection keeps one
 * of these, and a suspended async frame costs several times its size.
 */
const RESOLVED = Promise.resolve();

export function await_many_dispatch<T>(sources: ReadonlyArray<() => Promise<T>>, dispatch: (message: T) => unknown): Promise<void> {
  return new Promise<void>((_resolve, reject) => new ManyDispatch(sources, dispatch, reject).start());
}

class ManyDispatch<T> {
  private readonly values: Array<T | undefined>;
  private readonly ready: boolean[];
  private readonly arrived: Array<(value: T) => void>;
  private ready_count = 0;
  /** Index of the source being dispatched, or -1 while waiting. */
  private current = -1;
  private wake_scheduled = false;
  private stopped = false;
  /** A wake-up runs a turn later, as the awaited wait does in Channels: reads that complete in the same
   * turn are all ready by then, and the scan takes them in list order. */
  private readonly wake = (): void => {
    this.wake_scheduled = false;
    if (!this.stopped && this.current === -1) this.scan(0);
  };

  constructor(
    private readonly sources: ReadonlyArray<() => Promise<T>>,
    private readonly dispatch: (message: T) => unknown,
    private readonly reject: (error: unknown) => void,
  ) {
    this.values = new Array<T | undefined>(sources.length);
    this.ready = new Array<boolean>(sources.length).fill(false);
    this.arrived = sources.map((_, i) => (value: T) => this.on_value(i, value));
  }

  start(): void {
    for (let i = 0; i < this.sources.length && !this.stopped; i++) this.arm(i);
  }

  private readonly fail = (error: unknown): void => {
    if (this.stopped) return;
    this.stopped = true;
    this.reject(error);
  };

  private arm(i: number): void {
    let read: Promise<T>;
    try {
      read = this.sources[i]!();
    } catch (error) {
      return this.fail(error);
    }
    read.then(this.arrived[i], this.fail);
  }

  private on_value(i: number, value: T): void {
    if (this.stopped) return;
    this.values[i] = value;
    this.ready[i] = true;
    this.ready_count++;
    if (this.current === -1 && !this.wake_scheduled) {
      this.wake_scheduled = true;
      RESOLVED.then(this.wake);
    }
  }

  /** Dispatches ready messages from source `from` on; an awaited handler resumes the scan after it. */
  private scan(from: number): void {
    for (let i = from; ; i++) {
      if (i === this.sources.length) {
        if (this.ready_count === 0) return void (this.current = -1);
        i = -1; // something became ready meanwhile: a new wake-up scans from the first source again
        continue;
      }
      if (!this.ready[i]) continue;
      this.ready[i] = false;
      this.ready_count--;
      const value = this.values[i] as T;
      this.values[i] = undefined;
      this.current = i;
      let result: unknown;
      try {
        result = this.dispatch(value);
      } catch (error) {
        return this.fail(error);
      }
      if (is_thenable(result)) {
        result.then(() => this.resume(i), this.fail);
        return;
      }
      this.arm(i);
      if (this.stopped) return;
    }
  }

  private resume(i: number): void {
    if (this.stopped) return;
    this.arm(i);
    if (!this.stopped) this.scan(i + 1);
  }
}
