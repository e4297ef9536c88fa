// The Python `channels` package and the Python gallery, tested under Pyodide (as the browser runs them) in
// Node: each test_* function of python/tests/*.py is one test here.
import { readFileSync } from "node:fs";
import type { PyodideInterface } from "pyodide";
import { beforeAll, describe, expect, it } from "vitest";
import { SITE } from "./install.ts";
import { python_with_packages } from "./node-support.ts";

const MODULES = ["test_channels", "test_examples"];
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
    except BaseException:
        return traceback.format_exc()
`);
}, 60_000);

for (const module of MODULES) {
  describe(module, () => {
    const names = tests_of(module);
    it("has tests", () => expect(names.length).toBeGreaterThan(5));
    it.each(names)("%s", async (name) => {
      const run = py.globals.get("run_test") as (module: string, name: string) => Promise<string>;
      expect(await run(module, name)).toBe("ok");
    });
  });
}

it("prints the seed consumer's lines to stdout, as the playground's log shows them", () => {
  expect(printed).toContain("WebSocket Connect...");
});
