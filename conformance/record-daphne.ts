// Records the reference transcripts:
//   node --import tsx conformance/record-daphne.ts [--stdout-only] [--logs] [--concurrency N]
// Starts Daphne, runs every scenario, prints the transcripts and writes conformance/daphne-transcripts.json.

import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startDaphne } from "./daphne.ts";
import { runScenarios } from "./runner.ts";

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), "daphne-transcripts.json");

async function main(): Promise<void> {
  const write = !process.argv.includes("--stdout-only");
  const showLogs = process.argv.includes("--logs");
  const ci = process.argv.indexOf("--concurrency");
  const concurrency = ci >= 0 ? Number(process.argv[ci + 1]) : 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error("--concurrency needs a positive integer");
  const daphne = await startDaphne();
  const started = Date.now();
  try {
    const transcripts = await runScenarios(daphne.url, undefined, {
      concurrency,
      onResult: (name, _t, ms) => process.stderr.write(`  ${name} (${ms} ms)\n`),
    });
    const json = JSON.stringify(transcripts, null, 2) + "\n";
    process.stdout.write(json);
    if (write) {
      writeFileSync(OUT, json);
      process.stderr.write(`wrote ${OUT}\n`);
    }
    process.stderr.write(`${Object.keys(transcripts).length} scenarios in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } finally {
    await daphne.stop();
    if (showLogs) process.stderr.write(`--- daphne logs ---\n${daphne.logs()}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
