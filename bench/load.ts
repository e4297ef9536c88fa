// A pool of load-generator workers; a measurement is split across them and their counts summed.
import { Worker } from "node:worker_threads";
import type { Result, Task } from "./worker.ts";

export class LoadPool {
  private readonly workers: Worker[];

  constructor(size = 2) {
    this.workers = Array.from({ length: size }, () => new Worker(new URL("./worker-entry.mjs", import.meta.url)));
  }

  get size(): number {
    return this.workers.length;
  }

  run(index: number, task: Task): Promise<Result> {
    const worker = this.workers[index]!;
    return new Promise((resolve, reject) => {
      const failed = (error: Error) => reject(error);
      worker.once("message", (result: Result) => {
        worker.off("error", failed);
        if (result.kind === "error") reject(new Error(result.message));
        else resolve(result);
      });
      worker.once("error", failed);
      worker.postMessage(task);
    });
  }

  /** Runs `make(i)` on every worker at once. */
  all(make: (index: number) => Task): Promise<Result[]> {
    return Promise.all(this.workers.map((_, i) => this.run(i, make(i))));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
