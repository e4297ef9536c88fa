// The differential test: the same client sessions against the real Daphne 4.0 and against our server.
// Daphne must be installed (scripts/setup.mjs installs it for `npm test`); without it this fails, never skips.
import { expect, it, vi } from "vitest";
import { compare_with_daphne } from "./compare.ts";

it("shows a client the same wire behaviour as Daphne, apart from the listed deviations", async () => {
  vi.spyOn(console, "log").mockImplementation(() => {}); // the seed consumer prints, as in the tutorial
  const result = await compare_with_daphne();
  expect(result.failures).toEqual([]);
  expect(result.scenarios).toBeGreaterThanOrEqual(31);
  expect(result.matched.length).toBe(result.scenarios - result.deviations.length);
}, 90_000);
