// `npm run bench` keeps working: a short run produces the table and the JSON record. Speeds are not checked
// here (they live in the benchmark, not in timed tests); only that every row measured something.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

it("runs every row against raw ws and our server, and records the runs", async () => {
  const out = mkdtempSync(join(tmpdir(), "bench-"));
  const { stdout } = await promisify(execFile)(process.execPath, [
    "--import", "tsx", "bench/run.ts", "--quick", "--rounds", "1", "--targets", "raw,ours", "--out", `${out}/`,
  ], { cwd: new URL("..", import.meta.url).pathname, timeout: 120_000 });
  const record = JSON.parse(readFileSync(join(out, "latest.json"), "utf8")) as {
    summary: Array<{ id: string; targets: Array<{ target: string; median: number }>; ratios: unknown[] }>;
  };
  const ids = record.summary.map((row) => row.id);
  expect(ids).toEqual(["echo-async", "echo-sync", "echo-json", "broadcast", "connect-seq", "connect-50", "idle-rss", "idle-most"]);
  for (const row of record.summary) {
    expect(row.targets.map((t) => t.target)).toEqual(["raw", "ours"]);
    for (const t of row.targets) expect(t.median).toBeGreaterThan(0);
  }
  expect(stdout).toContain("| target | measured | goal | met |");
}, 150_000);
