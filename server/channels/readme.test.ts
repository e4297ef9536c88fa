// The README's example of the core must run as printed.
import { readFileSync } from "node:fs";
import { afterEach, expect, it, vi } from "vitest";
import { import_source } from "../test-support/bundle.ts";
import { reset_settings } from "./index.ts";

afterEach(() => reset_settings());

it("runs the README's core example and prints what it says", async () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const example = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  await import_source(example);
  expect(log.mock.calls).toEqual([[true, "hello"]]);
  log.mockRestore();
});
