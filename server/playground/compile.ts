// TypeScript to JavaScript for the sandbox with esbuild: the runtime (with the channels core) once, in this
// process; the learner's module on every run, in a compiler worker process (compiler/pool.ts), because
// learner input can make esbuild crash, spin or grow without bound.
import { build } from "esbuild";
import { join } from "node:path";
import { project_root } from "../paths.ts";
import { CompilerPool, DEFAULT_POOL_OPTIONS, type PoolOptions } from "./compiler/pool.ts";
import type { Diagnostic } from "./protocol.ts";

export { LEARNER_FILE, LEARNER_SCRIPT } from "./compiler/build.ts";

/**
 * Why a compile failed: errors in the code (COMPILE_ERROR), or the compile was stopped: past the time limit
 * (COMPILE_TIMEOUT), past the memory cap (COMPILE_MEMORY), its esbuild process died (COMPILE_CRASHED), or
 * too many compiles were waiting (COMPILE_BUSY). The first diagnostic's message begins with the code too.
 */
export type CompileCode = "COMPILE_ERROR" | "COMPILE_TIMEOUT" | "COMPILE_MEMORY" | "COMPILE_CRASHED" | "COMPILE_BUSY";

export interface Compiled {
  ok: true;
  code: string;
  source_map: string;
  ms: number;
}

export interface Failed {
  ok: false;
  code: CompileCode;
  diagnostics: Diagnostic[];
  ms: number;
}

const env = process.env;
const setting = (name: string, fallback: number) => {
  const value = Number(env[name]);
  return env[name] === undefined || !(value > 0) ? fallback : value;
};

/** The pool's settings from the environment (COMPILE_TIMEOUT_MS, COMPILE_MEMORY_MB, COMPILE_WORKERS). */
export function pool_options_from_env(): PoolOptions {
  return {
    ...DEFAULT_POOL_OPTIONS,
    timeout_ms: setting("COMPILE_TIMEOUT_MS", DEFAULT_POOL_OPTIONS.timeout_ms),
    memory_mb: setting("COMPILE_MEMORY_MB", DEFAULT_POOL_OPTIONS.memory_mb),
    max_workers: Math.floor(setting("COMPILE_WORKERS", DEFAULT_POOL_OPTIONS.max_workers)),
  };
}

let pool: CompilerPool | null = null;

/** The learner's module as a script that sets `globalThis.__user` to its exports. */
export function compile_learner(source: string): Promise<Compiled | Failed> {
  pool ??= new CompilerPool(pool_options_from_env());
  return pool.compile(source);
}

/** Stops the compiler workers (the next compile starts them again). */
export async function close_compiler(): Promise<void> {
  const closing = pool;
  pool = null;
  await closing?.close();
}

let runtime: Promise<string> | null = null;

/** The in-isolate runtime and the channels core, as one script (built once per process). */
export function runtime_script(): Promise<string> {
  runtime ??= build({
    entryPoints: [join(project_root(), "server/playground/sandbox/runtime.ts")],
    bundle: true, write: false, format: "iife", platform: "neutral", target: "es2022", logLevel: "warning",
  }).then((r) => r.outputFiles[0]!.text);
  return runtime;
}
