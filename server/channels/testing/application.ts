// ApplicationCommunicator (asgiref/testing.py): runs an ASGI app in-process with queues for its input and
// output. Timeouts are in seconds, as in Python.
import { AssertionError, CancelledError, TimeoutError } from "../exceptions.ts";
import type { ASGIApp, ASGIReceiveEvent, ASGISendEvent, Scope } from "../types.ts";
import { AsyncQueue } from "../util/async-queue.ts";
import { clear_timer, set_timer, sleep } from "../util/timers.ts";

type State = { done: false } | { done: true; error: unknown };

export class ApplicationCommunicator {
  readonly scope: Scope;
  readonly input_queue = new AsyncQueue<ASGIReceiveEvent>();
  readonly output_queue = new AsyncQueue<ASGISendEvent>();
  /** The application's run; settles when the app returns or throws. */
  readonly future: Promise<void>;
  private state: State = { done: false };
  private cancelled = false;

  constructor(application: ASGIApp, scope: Scope) {
    this.scope = scope;
    const receive = () => this.input_queue.get();
    const send = async (message: ASGISendEvent) => {
      if (this.cancelled) throw new CancelledError();
      this.output_queue.put(message);
    };
    // Like asyncio.ensure_future, the app starts on a later turn, not inside this constructor.
    this.future = Promise.resolve().then(() => application(scope, receive, send));
    this.future.then(
      () => { this.state = { done: true, error: undefined }; },
      (error: unknown) => {
        this.state = { done: true, error };
        // A waiting receive_output() raises the crash now instead of at its timeout; the outcome is asgiref's.
        this.output_queue.fail(error);
      },
    );
  }

  get done(): boolean {
    return this.state.done;
  }

  /** Throws the application's exception, if it ended with one (future.result()). */
  private result(): void {
    if (this.state.done && this.state.error !== undefined) throw this.state.error;
  }

  /**
   * Cancels the app (asyncio's task.cancel()): its pending and later receive() calls and its send() calls
   * throw CancelledError.
   */
  cancel(): void {
    if (this.state.done || this.cancelled) return;
    this.cancelled = true;
    this.input_queue.fail(new CancelledError());
  }

  async send_input(message: ASGIReceiveEvent): Promise<void> {
    this.input_queue.put(message);
  }

  async receive_output(timeout = 1): Promise<ASGISendEvent> {
    this.result();
    try {
      return await this.output_queue.get_within(timeout);
    } catch (error) {
      if (error instanceof TimeoutError) {
        if (this.state.done) this.result();
        else this.cancel();
      }
      throw error;
    }
  }

  /** True if nothing is output within `timeout` seconds, polled every `interval`. */
  async receive_nothing(timeout = 0.1, interval = 0.01): Promise<boolean> {
    const start = Date.now();
    while (Date.now() - start < timeout * 1000) {
      if (this.output_queue.size > 0) return false;
      await sleep(interval);
    }
    return this.output_queue.size === 0;
  }

  /** Waits for the app to finish and rethrows its exception; cancels it and throws TimeoutError after `timeout`. */
  async wait(timeout = 1): Promise<void> {
    let timer: unknown;
    const expired = new Promise<"timeout">((resolve) => (timer = set_timer(() => resolve("timeout"), timeout * 1000)));
    try {
      const outcome = await Promise.race([this.future.then(() => "done" as const, () => "done" as const), expired]);
      if (outcome === "timeout") {
        this.cancel();
        throw new TimeoutError(`The application did not finish within ${timeout} s`);
      }
      if (!(this.state.done && this.state.error instanceof CancelledError)) this.result();
    } finally {
      clear_timer(timer);
    }
  }

  /** Cancels a running app, or rethrows the exception a finished one ended with. */
  stop(exceptions = true): void {
    if (!this.state.done) this.cancel();
    else if (exceptions && !(this.state.error instanceof CancelledError)) this.result();
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}
