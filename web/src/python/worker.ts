// The Python worker: Pyodide, our Python packages and the playground's runtime, serving one session's app.
// It holds nothing of the page: after start-up, the network APIs are taken away (the app's module is loaded
// only once they are), and its files are Pyodide's in-memory ones.
/// <reference lib="webworker" />
import type { PyodideInterface } from "pyodide";
import { install_packages } from "../../../python/install.ts";
import { start_runner, type LoadResult, type Runner } from "../../../python/runner.ts";
import type { FromWorker, ToWorker } from "./messages.ts";

const bundled = import.meta.glob("../../../python/{channels,django,asgiref,playground}/**/*.py", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const sources = Object.fromEntries(Object.entries(bundled).map(([path, source]) => [path.replace("../../../python/", ""), source]));

const post = (message: FromWorker) => postMessage(message);
let py: PyodideInterface | null = null;
let runner: Runner | null = null;

/** What could reach the network, or start more code from it, once Pyodide has what it needs. */
const NETWORK = ["fetch", "XMLHttpRequest", "WebSocket", "WebSocketStream", "EventSource", "WebTransport", "importScripts", "Worker", "SharedWorker", "BroadcastChannel", "indexedDB", "caches"];

function cut_network(): void {
  for (let scope: object | null = globalThis; scope !== null && scope !== Object.prototype; scope = Object.getPrototypeOf(scope)) {
    for (const name of NETWORK) {
      if (Object.prototype.hasOwnProperty.call(scope, name)) {
        try {
          delete (scope as Record<string, unknown>)[name];
        } catch {
          // a non-configurable property: shadowed below
        }
      }
    }
  }
  for (const name of NETWORK) {
    try {
      Object.defineProperty(globalThis, name, { value: undefined, configurable: false, writable: false });
    } catch {
      // already gone for good
    }
  }
}

/** From the build's snapshot (a tenth of a fresh start); a fresh start if it is missing or does not restore. */
async function restore(load: typeof import("pyodide").loadPyodide, base: string): Promise<PyodideInterface> {
  const response = await fetch(`${base}${__PYODIDE_SNAPSHOT__}`);
  if (!response.ok) throw new Error(`no snapshot (HTTP ${response.status})`);
  const snapshot = new Uint8Array(await response.arrayBuffer());
  return load({ indexURL: base, _loadSnapshot: snapshot } as Parameters<typeof load>[0]);
}

async function start(base: string, interrupt: Uint8Array | null): Promise<void> {
  const started = performance.now();
  const { loadPyodide } = (await import(/* @vite-ignore */ `${base}pyodide.mjs`)) as typeof import("pyodide");
  py = await restore(loadPyodide, base).catch(() => loadPyodide({ indexURL: base }));
  install_packages(py, sources);
  if (interrupt !== null) py.setInterruptBuffer(interrupt);
  runner = start_runner(py, (ops) => post({ t: "ops", ops }), (stop) => post({ t: "stopped", stop }));
  cut_network();
  post({ t: "ready", ms: performance.now() - started });
}

let starting: Promise<void> | null = null;

function heap(): number {
  const module = (py as unknown as { _module?: { HEAPU8?: Uint8Array } } | null)?._module;
  return module?.HEAPU8?.byteLength ?? 0;
}

/** A module whose top level loops is interrupted like a handler; the interrupt surfaces here. */
function load(runner: Runner, code: string): LoadResult {
  try {
    return runner.load(code);
  } catch (error) {
    const type = (error as { type?: string }).type ?? "Error";
    const message = type === "KeyboardInterrupt" ? "the module's top level ran too long and was interrupted" : type === "MemoryError" ? "the module ran out of memory while loading" : String((error as Error).message);
    return { ok: false, error: { name: type, message, stack: "" } };
  }
}

function handle(message: ToWorker): void {
  switch (message.t) {
    case "init":
      starting = start(message.base, message.interrupt).catch((error: unknown) => post({ t: "failed", message: String((error as Error)?.message ?? error) }));
      return;
    case "ping":
      post({ t: "pong", id: message.id, heap: heap() });
      return;
    case "load":
      void starting?.then(() => {
        if (runner !== null) post({ t: "loaded", version: message.version, result: load(runner, message.code) });
      });
      return;
    case "events":
      if (runner !== null) runner.dispatch(message.events);
      else void starting?.then(() => runner?.dispatch(message.events));
      return;
  }
}

onmessage = (event: MessageEvent<ToWorker>) => handle(event.data);
