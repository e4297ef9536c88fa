// The Python `channels` package and the Python gallery, tested under Pyodide (as the browser runs them) in
// Node: each test_* function of python/tests/*.py is one test here.
import { readFileSync } from "node:fs";
import type { PyodideInterface } from "pyodide";
import type { PyProxy } from "pyodide/ffi";
import { beforeAll, describe, expect, it } from "vitest";
import { SITE } from "./install.ts";
import { python_with_packages } from "./node-support.ts";

const MODULES = ["test_channels", "test_examples", "test_runtime", "test_gallery_cases", "test_security", "test_layer_settings"];
const tests_of = (module: string) =>
  [...readFileSync(new URL(`./tests/${module}.py`, import.meta.url), "utf8").matchAll(/^(?:async )?def (test_\w+)/gm)].map((m) => m[1]!);

let py: PyodideInterface;
const printed: string[] = [];
beforeAll(async () => {
  py = await python_with_packages((line) => printed.push(line));
  py.runPython(`
import importlib, inspect, sys, traceback
sys.path[:0] = ["${SITE}/tests", "${SITE}/examples"]

async def run_test(module, name):
    try:
        result = getattr(importlib.import_module(module), name)()
        if inspect.isawaitable(result):
            await result
        return "ok"
    except BaseException as error:
        # With each frame's locals: a bare assert says nothing else about what it saw.
        return "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())
`);
}, 60_000);

for (const module of MODULES) {
  describe(module, () => {
    const names = tests_of(module);
    it("has tests", () => expect(names.length).toBeGreaterThan(0));
    it.each(names)("%s", async (name) => {
      const run = py.globals.get("run_test") as (module: string, name: string) => Promise<string>;
      expect(await run(module, name)).toBe("ok");
    });
  });
}

it("prints the seed consumer's lines to stdout, as the playground's log shows them", () => {
  expect(printed).toContain("WebSocket Connect...");
});

it("stops a `while True: pass` handler through Pyodide's interrupt buffer, as the browser's worker does", async () => {
  // Another thread sets the buffer, as the page's main thread does while the worker is stuck in Python.
  const buffer = new Uint8Array(new SharedArrayBuffer(1));
  py.setInterruptBuffer(buffer);
  const { Worker } = await import("node:worker_threads");
  const ops: Array<{ op: string; reason?: string; suspect?: unknown }> = [];
  const runtime = (py.pyimport("playground.runtime") as { Runtime(post: (json: string) => void): PyProxy }).Runtime((json) => ops.push(...JSON.parse(json)));
  try {
    const loaded = JSON.parse(runtime.load("from channels.generic.websocket import WebsocketConsumer\nclass Spin(WebsocketConsumer):\n    def receive(self, text_data=None, bytes_data=None):\n        while True:\n            pass\n"));
    expect(loaded.ok).toBe(true);
    const scope = { path: "/", raw_path: "/", query_string: "", headers: [], subprotocols: [], client: null, server: null };
    runtime.dispatch(JSON.stringify([{ k: "open", cid: "c1", label: "alice", scope }, { k: "event", cid: "c1", event: { type: "websocket.connect" } }, { k: "event", cid: "c1", event: { type: "websocket.receive", text: "spin" } }]));
    // The page interrupts whenever the worker has not answered for a while, again and again, so an interrupt
    // that lands before the handler spins (the buffer is then cleared) is followed by another: so does this
    // thread, watching a heartbeat this thread's loop keeps while it is not stuck in Python.
    const state = new Int32Array(new SharedArrayBuffer(8));
    const beat = () => Atomics.store(state, 0, Date.now() & 0x7fffffff);
    beat();
    const setter = new Worker(`
      const { workerData: { buffer, state } } = require("node:worker_threads");
      while (Atomics.load(state, 1) === 0) {
        Atomics.wait(state, 1, 0, 50);
        if ((Date.now() & 0x7fffffff) - Atomics.load(state, 0) > 300 && buffer[0] === 0) buffer[0] = 2;
      }`, { eval: true, workerData: { buffer, state } });
    const started = Date.now();
    while (!ops.some((op) => op.op === "stopped") && Date.now() - started < 10_000) {
      beat();
      await new Promise((resolve) => setTimeout(resolve, 20));
      beat();
    }
    Atomics.store(state, 1, 1);
    Atomics.notify(state, 1);
    await setter.terminate();
    buffer[0] = 0;
    expect(ops.find((op) => op.op === "stopped")).toMatchObject({ reason: "timeout", suspect: { cid: "c1", label: "alice", handler: "Spin.websocket_receive" } });
    // The interpreter is usable afterwards: the runtime loads and serves again.
    expect(JSON.parse(runtime.load(readFileSync(new URL("./examples/echo.py", import.meta.url), "utf8"))).ok).toBe(true);
  } finally {
    runtime.close();
    runtime.destroy();
    py.setInterruptBuffer(undefined as unknown as Uint8Array);
  }
});
