import { expect, it } from "vitest";
import { FromSandbox } from "./from-sandbox.ts";

it("takes what a sandbox process sends, and nothing shaped otherwise", () => {
  const good = [
    { t: "loaded", version: 1, ok: true, exports: ["Echo"], ms: 3.2 },
    { t: "loaded", version: 2, ok: false, error: { name: "Uncaught", message: "null", stack: "" } },
    { t: "ops", version: 1, ops: "[]", bytes: [new Uint8Array(2)] },
    { t: "stopped", version: 1, reason: "timeout", detail: "timed out", suspect: { cid: "c1", handler: "Echo.receive" } },
    { t: "pong", id: 4 },
  ];
  for (const message of good) expect(FromSandbox.safeParse(message).success, JSON.stringify(message)).toBe(true);
  const bad = [
    null, "loaded", { t: "eval" },
    { t: "loaded", version: 1, ok: false, error: { name: "E", message: "m", stack: 5 } },
    { t: "loaded", version: 1, ok: false, error: { name: "E", message: "m".repeat(10_001), stack: "" } },
    { t: "loaded", version: -1, ok: true, exports: [], ms: 1 },
    { t: "ops", version: 1, ops: [], bytes: [] },
    { t: "ops", version: 1, ops: "[]", bytes: ["not bytes"] },
    { t: "stopped", version: 1, reason: "bored", detail: "", suspect: {} },
    { t: "stopped", version: 1, reason: "timeout", detail: "", suspect: { handler: { toString: null } } },
    { t: "pong", id: 1, extra: true },
  ];
  for (const message of bad) expect(FromSandbox.safeParse(message).success, JSON.stringify(message)).toBe(false);
});
