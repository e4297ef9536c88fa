// The Python `channels` package, tested under Pyodide (as the browser runs it) in Node: each test_* function of
// tests/test_channels.py is one test here.
import { readFileSync } from "node:fs";
import type { PyodideInterface } from "pyodide";
import { beforeAll, expect, it } from "vitest";
import { python_with_packages } from "./node-support.ts";

const names = [...readFileSync(new URL("./tests/test_channels.py", import.meta.url), "utf8").matchAll(/^(?:async )?def (test_\w+)/gm)].map((m) => m[1]!);

let py: PyodideInterface;
const printed: string[] = [];
beforeAll(async () => {
  py = await python_with_packages((line) => printed.push(line));
  py.runPython(`
import inspect, sys, traceback
sys.path.insert(0, "/home/pyodide/site/tests")
import test_channels

async def run_test(name):
    try:
        result = getattr(test_channels, name)()
        if inspect.isawaitable(result):
            await result
        return "ok"
    except BaseException:
        return traceback.format_exc()
`);
}, 60_000);

it("finds the tests", () => expect(names.length).toBeGreaterThan(10));

it.each(names)("%s", async (name) => {
  const run = py.globals.get("run_test") as (name: string) => Promise<string>;
  expect(await run(name)).toBe("ok");
});

it("prints the seed consumer's lines to stdout, as the playground's log shows them", () => {
  expect(printed).toContain("WebSocket Connect...");
});
