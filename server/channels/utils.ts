/** A cancellation token that needs no host globals (AbortController is missing in a bare isolate). */
export interface CancelSignal {
  readonly aborted: boolean;
  /** Calls `listener` once on cancel; returns a function that unregisters it. */
  on_cancel(listener: () => void): () => void;
}

export class Cancellation implements CancelSignal {
  aborted = false;
  private listeners = new Set<() => void>();

  on_cancel(listener: () => void): () => void {
    if (this.aborted) {
      listener();
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  cancel(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
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
 * order holds.
 */
export async function await_many_dispatch<T>(
  sources: ReadonlyArray<() => Promise<T>>,
  dispatch: (message: T) => unknown,
): Promise<void> {
  const n = sources.length;
  const ready: boolean[] = new Array<boolean>(n).fill(false);
  const values: Array<T | undefined> = new Array<T | undefined>(n);
  let ready_count = 0;
  // A holder, not a `let`: it is written from callbacks, which TypeScript's narrowing does not see.
  const failure: { error?: unknown; failed: boolean } = { failed: false };
  let wake: (() => void) | null = null;
  let stopped = false;

  const notify = () => {
    if (wake !== null) {
      const w = wake;
      wake = null;
      w();
    }
  };
  const on_error = (error: unknown) => {
    if (stopped || failure.failed) return;
    failure.failed = true;
    failure.error = error;
    notify();
  };
  const on_value = sources.map((_, i) => (value: T) => {
    if (stopped) return;
    values[i] = value;
    ready[i] = true;
    ready_count++;
    notify();
  });
  const arm = (i: number) => {
    sources[i]!().then(on_value[i], on_error);
  };

  try {
    for (let i = 0; i < n; i++) arm(i);
    for (;;) {
      if (ready_count === 0 && !failure.failed) await new Promise<void>((resolve) => (wake = resolve));
      if (failure.failed) throw failure.error;
      for (let i = 0; i < n; i++) {
        if (!ready[i]) continue;
        ready[i] = false;
        ready_count--;
        const value = values[i] as T;
        values[i] = undefined;
        const result = dispatch(value);
        if (is_thenable(result)) await result;
        arm(i);
      }
    }
  } finally {
    stopped = true;
  }
}
