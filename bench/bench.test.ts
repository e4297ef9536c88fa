// `npm run bench` keeps working: a short run produces the table and the JSON record. Speeds are not checked
// here (they live in the benchmark, not in timed tests); only that every row measured something.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { ROWS } from "./rows.ts";

it("runs every row against raw ws, our server (in-memory and Redis layers) and the sandbox, and records the runs", async () => {
  const out = mkdtempSync(join(tmpdir(), "bench-"));
  const { stdout } = await promisify(execFile)(process.execPath, [
    "--import", "tsx", "bench/run.ts", "--quick", "--rounds", "1", "--targets", "raw,ours,sandbox,ours-redis", "--out", `${out}/`,
  ], { cwd: new URL("..", import.meta.url).pathname, timeout: 120_000 });
  const record = JSON.parse(readFileSync(join(out, "latest.json"), "utf8")) as {
    summary: Array<{ id: string; unit: string; targets: Array<{ target: string; median: number; extra: Record<string, number> }>; ratios: unknown[] }>;
  };
  expect(record.summary.map((row) => row.id)).toEqual(ROWS.map((row) => row.id));
  for (const row of record.summary) {
    const expected = Object.keys(ROWS.find((r) => r.id === row.id)!.paths).filter((t) => !t.startsWith("daphne"));
    expect(row.targets.map((t) => t.target)).toEqual(expected);
    for (const t of row.targets) {
      // An RSS difference over a few hundred connections can come out negative on a busy machine (the heap
      // shrinks meanwhile): what must hold is that the connections were opened and a reading taken.
      if (row.unit === "bytes") {
        expect(Number.isFinite(t.median)).toBe(true);
        expect(t.extra.opened).toBeGreaterThan(0);
      } else expect(t.median).toBeGreaterThan(0);
    }
  }
  expect(stdout).toContain("| target | measured | goal | met |");
}, 150_000);
