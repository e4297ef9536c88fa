// `node --import tsx bench/profile.ts <target> <row>`: runs one benchmark row against a server started
// with --cpu-prof and prints where the server spent its time (self time by function).
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
// @ts-expect-error a plain JavaScript module, without types
import { build_server } from "../scripts/build-server.mjs";
import { start_redis } from "../server/channels-redis/test-support.ts";
import { LoadPool } from "./load.ts";
import { ROWS, type Settings, type TargetId } from "./rows.ts";

const [target = "ours", row_id = "echo-async"] = process.argv.slice(2) as [TargetId, string];
const row = ROWS.find((r) => r.id === row_id)!;
const script = { raw: "bench/servers/raw-ws.ts", ours: "bench/servers/ours.ts", "ours-redis": "bench/servers/ours.ts", sandbox: "bench/servers/sandbox.ts" }[target as "raw" | "ours" | "ours-redis" | "sandbox"];
const redis = target === "ours-redis" ? await start_redis() : undefined;
const dir = mkdtempSync(join(tmpdir(), "cpuprof-"));
const bundle = await build_server(script);
const child = spawn(process.execPath, ["--cpu-prof", "--cpu-prof-dir", dir, bundle], {
  stdio: ["ignore", "pipe", "inherit"],
  // The sandbox target's session process is profiled too (into the same directory).
  env: { ...process.env, SANDBOX_NODE_OPTIONS: `--cpu-prof --cpu-prof-dir ${dir}`, ...(redis ? { REDIS_URL: redis.url } : {}) },
});
const [port, ...extra] = await new Promise<string[]>((resolve) => child.stdout!.on("data", (d: Buffer) => {
  const m = /READY ([^\n]+)/.exec(String(d));
  if (m) resolve(m[1]!.trim().split(" "));
}));
const settings: Settings = {
  warmup_ms: 500, duration_ms: 3000, echo: { clients: 50, window: 10, size: 64 }, reloads: 20, broadcast: { receivers: 100, window: 10 },
  idle: { count: 1000, most: 1000 },
};
const pool = new LoadPool(2);
const url = (p: string) => `ws://127.0.0.1:${port}${p === "(session)" ? `/ws/play/${extra[0]}/` : p}`;
const m = await row.measure(pool, { url, pid: child.pid!, extra, stop: async () => {} }, row.paths[target]!, settings);
await pool.close();
child.kill("SIGTERM");
await new Promise((r) => child.once("exit", r));
await redis?.stop();
console.log(`${row.label} on ${target}: ${m.value.toFixed(0)} ${row.unit}`);

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] }
// With PROFILE=1 (or 2...) the Nth profile written, e.g. the sandbox process's rather than the server's.
const files = readdirSync(dir).sort();
console.log(`profiles: ${files.join(", ")}`);
const profile = JSON.parse(readFileSync(join(dir, files[Number(process.env.PROFILE ?? 0)]!), "utf8")) as { nodes: Node[]; samples: number[] };
const total = profile.samples.length;
const self = new Map<string, number>();
const root = fileURLToPath(new URL("..", import.meta.url));
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.startsWith("file:") ? relative(root, fileURLToPath(url)) : url;
  const where = url ? `${file}:${lineNumber + 1}` : "";
  const key = `${functionName || "(anonymous)"} ${where}`;
  self.set(key, (self.get(key) ?? 0) + node.hitCount);
}
for (const [key, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 30))) {
  console.log(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}
// CALLERS=name prints the call paths (up to 6 frames) that lead to a function, with their sample counts.
if (process.env.CALLERS) {
  const parent = new Map<number, Node>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const paths = new Map<string, number>();
  for (const node of profile.nodes) {
    if (node.callFrame.functionName !== process.env.CALLERS || node.hitCount === 0) continue;
    const frames: string[] = [];
    for (let p = parent.get(node.id); p && frames.length < 6; p = parent.get(p.id)) frames.push(p.callFrame.functionName || "(anonymous)");
    const key = frames.join(" < ");
    paths.set(key, (paths.get(key) ?? 0) + node.hitCount);
  }
  for (const [key, hits] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`${hits}  ${key}`);
}
