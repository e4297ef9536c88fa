// A test client's connection as its session sees it, and the errors a session names.
import { ValueError, type Send } from "../channels/index.ts";
import type { AppHost } from "./app-host.ts";

/** An error the learner's app raised in the sandbox; it is in the session's log already (`reported`). */
export class SandboxAppError extends Error {
  readonly reported = true;
}

export class PlayConnection {
  accepted = false;
  finished = false;
  readonly opened = Date.now();
  readonly done: Promise<void>;
  private settle!: (error?: unknown) => void;

  constructor(readonly cid: string, readonly label: string, readonly version: number, readonly host: AppHost, readonly send: Send) {
    this.done = new Promise<void>((resolve, reject) => (this.settle = (error) => (error === undefined ? resolve() : reject(error))));
  }

  finish(error?: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.settle(error);
  }
}

export function no_session(id: string): ValueError {
  return new ValueError(`No playground session ${JSON.stringify(id)} (it may have expired: reload the playground)`);
}
