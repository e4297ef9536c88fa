// The Python tests that hold for Channels itself (not only for our package) run on the real Django Channels
// too: what they expect of python/channels is what Channels 4.0 does.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { checkDaphneInstalled, PYTHON } from "./daphne.ts";

/** python/tests modules that import only Channels' and Django's public names. */
const MODULES = ["test_security", "test_layer_settings"];

it.each(MODULES)("%s passes on the real Channels 4.0", (module) => {
  checkDaphneInstalled();
  const tests = fileURLToPath(new URL("../python/tests/", import.meta.url));
  const runner = fileURLToPath(new URL("./real_channels.py", import.meta.url));
  const run = spawnSync(PYTHON, [runner, module], { cwd: tests, encoding: "utf8", env: { ...process.env, PYTHONPATH: tests }, timeout: 60_000 });
  const lines = run.stdout.trim().split("\n");
  expect(lines.filter((l) => !l.startsWith("ok ")), run.stderr).toEqual([]);
  expect(lines.length).toBeGreaterThan(3);
  expect(run.status).toBe(0);
});
