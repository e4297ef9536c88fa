// `npm run bench`: every target on 127.0.0.1, measured in interleaved rounds (A B C, A B C, ...), medians and
// ratios printed, every run written to bench/results/. Options: --rounds N, --quick, --rows a,b --targets a,b
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { startDaphne } from "../conformance/daphne.ts";
import { start_redis, type RedisServer } from "../server/channels-redis/test-support.ts";
import { LoadPool } from "./load.ts";
import { cpu_seconds, start_node_server, type ServerProcess } from "./processes.ts";
import { print_report, summarize, type Run } from "./report.ts";
import { ROWS, type Running, type Settings, type TargetId } from "./rows.ts";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    quick: { type: "boolean", default: false },
    rows: { type: "string" },
    targets: { type: "string", default: "raw,ours,daphne,sandbox,ours-redis,daphne-redis" },
    out: { type: "string", default: new URL("./results/", import.meta.url).pathname },
  },
});

const settings: Settings = args.quick
  ? { warmup_ms: 100, duration_ms: 400, echo: { clients: 10, window: 5, size: 64 }, reloads: 5, broadcast: { receivers: 20, window: 5 }, idle: { count: 200, most: 500 } }
  : { warmup_ms: 500, duration_ms: 2000, echo: { clients: 50, window: 10, size: 64 }, reloads: 20, broadcast: { receivers: 100, window: 10 }, idle: { count: 1000, most: 10_000 } };

const LABELS: Record<TargetId, string> = {
  raw: "raw ws", ours: "ours", daphne: "Daphne 4.0", sandbox: "ours, sandboxed",
  "ours-redis": "ours, Redis layer", "daphne-redis": "Daphne 4.0, channels_redis",
};

/** One redis-server for the Redis targets, started when the first of them is. */
let redis: Promise<RedisServer> | undefined;

async function start_target(id: TargetId): Promise<Running | string> {
  // Daphne and Redis are other software, which may be missing: their rows are then skipped, with the reason.
  const optional = id.startsWith("daphne") || id.endsWith("-redis");
  try {
    const env = id.endsWith("-redis") ? { REDIS_URL: (await (redis ??= start_redis())).url } : undefined;
    if (id === "daphne" || id === "daphne-redis") {
      const d = await startDaphne(env && { redisUrl: env.REDIS_URL });
      return { url: (p) => `${d.url}${p}`, pid: d.pid, stop: d.stop };
    }
    const script = { raw: "./servers/raw-ws.ts", ours: "./servers/ours.ts", "ours-redis": "./servers/ours.ts", sandbox: "./servers/sandbox.ts" }[id];
    return await start_node_server(script, env).then((server) => as_running(server));
  } catch (error) {
    if (!optional) throw error;
    return `not measured: ${(error as Error).message.split("\n")[0]}`;
  }
}

function as_running(server: ServerProcess): Running {
  // The sandbox's session path stands in for the "(session)" placeholder.
  const url = (p: string) => `ws://127.0.0.1:${server.port}${p === "(session)" ? `/ws/play/${server.extra[0]}/` : p}`;
  return { url, pid: server.pid, extra: server.extra, stop: server.stop, collect: server.collect };
}

const wanted_targets = args.targets.split(",") as TargetId[];
const rows = ROWS.filter((row) => !args.rows || args.rows.split(",").includes(row.id));
const rounds = Number(args.rounds);
const pool = new LoadPool(2);
const running = new Map<TargetId, Running>();
const skipped = new Map<TargetId, string>();
for (const id of wanted_targets) {
  const target = await start_target(id);
  if (typeof target === "string") skipped.set(id, target);
  else running.set(id, target);
}

const runs: Run[] = [];
const started = Date.now();
try {
  for (let round = 1; round <= rounds; round++) {
    for (const row of rows) {
      if (row.first_round_only && round > 1) continue;
      for (const [id, path] of Object.entries(row.paths) as Array<[TargetId, string]>) {
        const shared = running.get(id);
        if (shared === undefined) continue;
        const fresh = row.fresh_server ? await start_target(id) : shared;
        if (typeof fresh === "string") continue;
        const server = fresh;
        const client_cpu = process.cpuUsage();
        const server_cpu = cpu_seconds(server.pid);
        const t0 = performance.now();
        const m = await row.measure(pool, server, path, settings);
        const wall = (performance.now() - t0) / 1000;
        const used = process.cpuUsage(client_cpu);
        runs.push({
          round, row: row.id, target: id, value: m.value, extra: m.extra ?? {}, latencies_ms: m.latencies_ms,
          client_cpu: (used.user + used.system) / 1e6 / wall, server_cpu: (cpu_seconds(server.pid) - server_cpu) / wall,
        });
        if (server !== shared) await server.stop();
        process.stderr.write(`round ${round} ${row.id} ${LABELS[id]}: ${m.value.toFixed(0)} ${row.unit}\n`);
      }
    }
  }
} finally {
  await pool.close();
  for (const server of running.values()) await server.stop();
  await (await redis?.catch(() => undefined))?.stop();
}

const summary = summarize(rows, runs, LABELS);
print_report(summary, { rounds, seconds: (Date.now() - started) / 1000, skipped, settings });
mkdirSync(args.out, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const record = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memory_gib: totalmem() / 2 ** 30, node: process.version },
  settings, rounds, skipped: Object.fromEntries(skipped),
  summary, runs: runs.map(({ latencies_ms: _omit, ...run }) => run),
};
for (const name of [`bench-${stamp}.json`, "latest.json"]) writeFileSync(new URL(name, `file://${args.out}/`), JSON.stringify(record, null, 2));
process.stderr.write(`wrote ${args.out}latest.json\n`);
