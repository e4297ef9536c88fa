// Messages between the server's compiler pool (pool.ts) and a compiler worker (worker.ts).
import type { Built } from "./build.ts";

export type ToWorker = { t: "compile"; id: number; source: string };

export type FromWorker =
  /** Warmed up: its esbuild service runs as `esbuild_pid` (null if it could not be seen starting). */
  | { t: "ready"; esbuild_pid: number | null }
  /** A worker whose esbuild service died exits instead of answering: the pool reports that as a crash. */
  | { t: "done"; id: number; built: Built };

/** A worker's exit status when its esbuild service crashed (the input's fault, as far as anyone can tell). */
export const EXIT_SERVICE_CRASHED = 70;
/** ...and when a signal from outside killed it: the compile it was running deserves another worker. */
export const EXIT_SERVICE_KILLED = 75;
