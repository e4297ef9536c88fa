// Medians across rounds, the ratios the targets are about, and the printed table.
import type { Row, Settings, TargetId } from "./rows.ts";
import { median, percentile } from "./stats.ts";

export interface Run {
  round: number;
  row: string;
  target: TargetId;
  value: number;
  extra: Record<string, number>;
  latencies_ms?: number[];
  client_cpu: number;
  server_cpu: number;
}

export interface Summary {
  id: string;
  label: string;
  unit: string;
  targets: Array<{ target: TargetId; label: string; median: number; runs: number; p50_ms?: number; p99_ms?: number; server_cpu: number; client_cpu: number; extra: Record<string, number> }>;
  /** Ratios of the subject to another target, or (vs null) the subject's own value against an absolute goal. */
  ratios: Array<{ subject: TargetId; vs: TargetId | null; ratio: number; goal: string; met: boolean }>;
}

export function summarize(rows: Row[], runs: Run[], labels: Record<TargetId, string>): Summary[] {
  return rows.map((row) => {
    const targets = (Object.keys(row.paths) as TargetId[]).flatMap((target) => {
      const mine = runs.filter((r) => r.row === row.id && r.target === target);
      if (mine.length === 0) return [];
      const latencies = mine.flatMap((r) => r.latencies_ms ?? []);
      const extra: Record<string, number> = {};
      for (const key of Object.keys(mine[0]!.extra)) extra[key] = median(mine.map((r) => r.extra[key]!));
      return [{
        target, label: labels[target], median: median(mine.map((r) => r.value)), runs: mine.length,
        ...(latencies.length > 0 ? { p50_ms: percentile(latencies, 50), p99_ms: percentile(latencies, 99) } : {}),
        server_cpu: median(mine.map((r) => r.server_cpu)), client_cpu: median(mine.map((r) => r.client_cpu)), extra,
      }];
    });
    const of = (t: TargetId) => targets.find((x) => x.target === t)?.median;
    const subject = row.subject ?? "ours";
    const value = of(subject);
    const ratios = row.goals.flatMap((goal): Summary["ratios"] => {
      if (value === undefined) return [];
      if ("absolute_max" in goal) {
        return [{ subject, vs: null, ratio: value, goal: `≤ ${goal.absolute_max} ${row.unit}`, met: value <= goal.absolute_max }];
      }
      const base = of(goal.vs);
      if (base === undefined || base === 0) return [];
      const ratio = value / base;
      const text = goal.min !== undefined ? `≥ ${goal.min}×` : `≤ ${goal.max}×`;
      return [{ subject, vs: goal.vs, ratio, goal: text, met: goal.min !== undefined ? ratio >= goal.min : ratio <= goal.max! }];
    });
    return { id: row.id, label: row.label, unit: row.unit, targets, ratios };
  });
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(n >= 10 ? 1 : 2));

export function print_report(summary: Summary[], info: { rounds: number; seconds: number; skipped: Map<TargetId, string>; settings: Settings }): void {
  const lines = [
    "| measure | target | median | p50 / p99 RTT | server CPU | client CPU |",
    "|---|---|---|---|---|---|",
  ];
  for (const row of summary) {
    for (const t of row.targets) {
      const latency = t.p50_ms !== undefined ? `${t.p50_ms.toFixed(2)} / ${t.p99_ms!.toFixed(2)} ms` : "";
      const extra = Object.entries(t.extra).map(([k, v]) => `${k} ${fmt(v)}`).join(", ");
      lines.push(`| ${row.label} | ${t.label} | ${fmt(t.median)} ${row.unit}${extra ? ` (${extra})` : ""} | ${latency} | ` +
        `${Math.round(t.server_cpu * 100)}% | ${Math.round(t.client_cpu * 100)}% |`);
    }
  }
  lines.push("", "| target | measured | goal | met |", "|---|---|---|---|");
  for (const row of summary) {
    for (const r of row.ratios) {
      const label = { raw: "raw ws", ours: "ours", daphne: "Daphne", sandbox: "sandboxed", "ours-redis": "ours + Redis", "daphne-redis": "Daphne + channels_redis" } as const;
      const measured = r.vs === null ? `${fmt(r.ratio)} ${row.unit}` : `${r.ratio.toFixed(2)}×`;
      const what = r.vs === null ? label[r.subject] : `${label[r.subject]} / ${label[r.vs]}`;
      lines.push(`| ${row.label}: ${what} | ${measured} | ${r.goal} | ${r.met ? "yes" : "**no**"} |`);
    }
  }
  const s = info.settings;
  lines.push("", `${info.rounds} interleaved rounds, ${info.seconds.toFixed(0)} s. Echo: ${s.echo.clients} clients × ${s.echo.window} in flight × ${s.echo.size} B; ` +
    `broadcast: ${s.broadcast.receivers} clients in one room, ${s.broadcast.window} in flight; ${s.duration_ms / 1000} s per measurement after ${s.warmup_ms / 1000} s warm-up. ` +
    "CPU is the share of one core over the measurement.");
  for (const [target, why] of info.skipped) lines.push(`${target}: ${why}`);
  console.log(lines.join("\n"));
}
