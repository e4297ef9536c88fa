// `npm run bench:attack`: issue 12's findings replayed one after another against the built server, while a
// bystander session's echo is timed throughout. Prints a table and writes bench/results/attack-<date>.json.
// Exits 0 when a goal is missed (it is a benchmark); non-zero only when the server process died.
// --only <words>: just the attacks whose name contains them (comma-separated), to look at one more closely.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { percentile } from "../stats.ts";
import { Bystander, create_session, ECHO, within, type Attack, type Context, type Session } from "./clients.ts";
import { EDGE_ATTACKS } from "./edges.ts";
import { LEARNER_ATTACKS } from "./learner.ts";
import { alive, memory, sleep, start_server, type Memory, type Server } from "./server.ts";

const GOAL_P99_MS = 100;
/**
 * The server as `npm start` runs it, with one setting changed: each attack takes a new session (two for one),
 * more than the default 20 over the run. Sessions stay (the idle reaper's 600 s is not reached), so no process
 * disappears mid-run and a row's memory growth is its attack's.
 */
const ENV = { MAX_SESSIONS: "60" };
const SETTLE_MS = 600;

interface Row {
  attack: string;
  sent: string;
  outcome: string;
  server_alive: boolean;
  /** Died during this attack: what it printed last, and that the rest ran on a restarted server. */
  died?: { exit: string | null; tail: string[] };
  seconds: number;
  memory_before: Memory;
  memory_after: Memory;
  peak_tree_mb: number;
  bystander: { round_trips: number; p50_ms: number; p99_ms: number; max_ms: number; lost: number; closes: number[]; connect_failures: number };
  server_log_lines: number;
  /** The first lines the server printed during the attack. */
  server_log: string[];
}

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "-");

async function bystander_session(server: Server): Promise<Session> {
  const s = await create_session(server);
  const { result } = await s.control.run(ECHO);
  if (!result?.ok) throw new Error(`bystander's echo did not load: ${JSON.stringify(result)}`);
  return s;
}

let server = await start_server(ENV);
let bystander = await bystander_session(server);
const prober = new Bystander();
prober.point_at(`${bystander.ws_base}?_client=bystander`);
const started = Date.now();
if (!(await within((async () => { while (!prober.samples.some((s) => s.kind === "rtt")) await sleep(50); return true; })(), 10_000, false))) {
  throw new Error("the bystander never got an echo");
}
await sleep(1000);
const baseline = prober.between(started, Date.now()).rtts;
process.stderr.write(`server pid ${server.pid} on port ${server.port}; bystander echo p50 ${ms(percentile(baseline, 50))} ms before attacks\n`);

const rows: Row[] = [];
const deaths: string[] = [];
const only = parseArgs({ options: { only: { type: "string" } } }).values.only?.split(",");
const attacks: Attack[] = [...LEARNER_ATTACKS, ...EDGE_ATTACKS].filter((a) => !only || only.some((w) => a.name.includes(w)));
const phase_start = Date.now();

for (const attack of attacks) {
  await sleep(SETTLE_MS);
  const cleanups: Array<() => void> = [];
  const sessions: Session[] = [];
  for (let i = 0; i < (attack.sessions ?? 1); i++) sessions.push(await create_session(server));
  // A new session's sandbox process starts a little after its welcome; let it settle before the reading.
  if (sessions.length > 0) await sleep(300);
  const ready = [...sessions];
  const ctx: Context = {
    server, bystander,
    session: async () => {
      const s = ready.shift() ?? await create_session(server);
      if (!sessions.includes(s)) sessions.push(s);
      return s;
    },
    later: (cleanup) => cleanups.push(cleanup),
  };
  const before = memory(server);
  let peak = before.tree_mb;
  const sampler = setInterval(() => { if (alive(server)) peak = Math.max(peak, memory(server).tree_mb); }, 100);
  const log_from = server.lines.length;
  const t0 = Date.now();
  process.stderr.write(`${attack.name} ... `);
  const outcome = await within(attack.run(ctx).catch((e: Error) => `attacker error: ${e.message.slice(0, 160)}`), attack.budget_ms, `abandoned after ${attack.budget_ms / 1000} s`);
  const t1 = Date.now();
  // Trailing effects (a sandbox restarting, buffers draining) belong to this attack's window too.
  await sleep(500);
  clearInterval(sampler);
  for (const cleanup of cleanups) { try { cleanup(); } catch { /* already gone */ } }
  for (const s of sessions) s.control.close();
  const is_alive = alive(server);
  const after = is_alive ? memory(server) : { server_mb: 0, tree_mb: 0, processes: 0 };
  const row: Row = {
    attack: attack.name, sent: attack.sent, outcome, server_alive: is_alive, seconds: (t1 - t0) / 1000,
    memory_before: before, memory_after: after, peak_tree_mb: peak,
    bystander: { round_trips: 0, p50_ms: Number.NaN, p99_ms: Number.NaN, max_ms: Number.NaN, lost: 0, closes: [], connect_failures: 0 },
    server_log_lines: server.lines.length - log_from,
    server_log: server.lines.slice(log_from, log_from + 5).map((l) => l.slice(0, 300)),
  };
  process.stderr.write(`${is_alive ? "alive" : "SERVER DIED"}: ${outcome}\n`);
  if (!is_alive) {
    row.died = { exit: server.exit, tail: server.tail.slice(-15) };
    deaths.push(`${attack.name} (${server.exit ?? "gone"})`);
    process.stderr.write(`${server.tail.slice(-15).join("\n")}\nrestarting the server for the remaining attacks\n`);
    await server.stop();
    server = await start_server(ENV);
    bystander = await bystander_session(server);
    const echoes = prober.samples.length;
    prober.point_at(`${bystander.ws_base}?_client=bystander`);
    // The outage ends with the first echo from the new server: it belongs to this row, so wait for it.
    await within((async () => { while (!prober.samples.slice(echoes).some((s) => s.kind === "rtt")) await sleep(50); })(), 10_000, undefined);
  }
  const window = prober.between(t0, Date.now());
  row.bystander = {
    round_trips: window.rtts.length, p50_ms: percentile(window.rtts, 50), p99_ms: percentile(window.rtts, 99),
    max_ms: window.rtts.length ? Math.max(...window.rtts) : Number.NaN, lost: window.lost, closes: window.closes, connect_failures: window.failed,
  };
  rows.push(row);
}

const phase_end = Date.now();
const all = prober.between(phase_start, phase_end);
await prober.stop();
bystander.control.close();
const final_memory = alive(server) ? memory(server) : undefined;
await server.stop();

// The table: one line per attack, then the outcome seen by the attacker on its own line (it is long).
const header = ["attack", "alive", "RSS server / tree (peak) MB", "bystander p50/p99/max ms (n)"];
const cells = rows.map((r) => [
  r.attack,
  r.server_alive ? "yes" : "DIED",
  r.server_alive
    ? `${signed(r.memory_after.server_mb - r.memory_before.server_mb)} / ${signed(r.memory_after.tree_mb - r.memory_before.tree_mb)} (${signed(r.peak_tree_mb - r.memory_before.tree_mb)})`
    : "-",
  `${ms(r.bystander.p50_ms)}/${ms(r.bystander.p99_ms)}/${ms(r.bystander.max_ms)} (${r.bystander.round_trips}${r.bystander.lost ? `, ${r.bystander.lost} lost` : ""})`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(" | ")} |`;
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const c of cells) console.log(line(c));
console.log("\nOutcome seen by the attacker:");
for (const r of rows) {
  const log = r.server_log_lines ? ` [server log, ${r.server_log_lines} lines: ${r.server_log[0]!.slice(0, 110)}]` : "";
  console.log(`- ${r.attack}: ${r.outcome}${log}`);
}

function signed(mb: number): string {
  return `${mb >= 0 ? "+" : ""}${mb.toFixed(0)}`;
}

const p99 = percentile(all.rtts, 99);
const met = p99 < GOAL_P99_MS;
console.log(`\nserver deaths: ${deaths.length ? deaths.join("; ") : "none"}`);
console.log(`bystander echo p99 ${ms(p99)} ms over ${all.rtts.length} round trips (goal < ${GOAL_P99_MS} ms): ${met ? "met" : "not met"}` +
  ` (p50 ${ms(percentile(all.rtts, 50))}, max ${ms(Math.max(...all.rtts))}, lost ${all.lost}; run took ${((Date.now() - started) / 1000).toFixed(0)} s)`);

const out = new URL("../results/", import.meta.url);
mkdirSync(out, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const file = new URL(`attack-${stamp}.json`, out);
writeFileSync(file, JSON.stringify({
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memory_gib: totalmem() / 2 ** 30, node: process.version },
  env: ENV, goal_p99_ms: GOAL_P99_MS,
  bystander: {
    baseline_p50_ms: percentile(baseline, 50), round_trips: all.rtts.length, p50_ms: percentile(all.rtts, 50), p99_ms: p99,
    max_ms: Math.max(...all.rtts), lost: all.lost, met,
  },
  deaths, final_memory, rows,
}, null, 2));
process.stderr.write(`wrote ${file.pathname}\n`);
process.exit(deaths.length > 0 ? 1 : 0);
