// What `npm run bench` measures: each row names its targets, the path each serves it on, and the ratio targets.
import type { LoadPool } from "./load.ts";
import { rss } from "./processes.ts";
import { apply_to_serve } from "./reload.ts";
import { percentile, split } from "./stats.ts";
import type { Result } from "./worker.ts";

export type TargetId = "raw" | "ours" | "daphne" | "sandbox" | "ours-redis" | "daphne-redis";

export interface Running {
  url(path: string): string;
  pid: number;
  /** Target-specific details (the sandbox target's session and token). */
  extra?: string[];
  stop(): Promise<void>;
  /** Steadies memory before a reading, where the server supports it. */
  collect?(): Promise<void>;
}

export interface Measurement {
  value: number;
  /** Secondary figures shown beside the value (latency percentiles, counts). */
  extra?: Record<string, number>;
  /** Round-trip times, for the percentiles across rounds. */
  latencies_ms?: number[];
}

export interface Settings {
  warmup_ms: number;
  duration_ms: number;
  echo: { clients: number; window: number; size: number };
  /** Reloads timed for the apply-to-serve row. */
  reloads: number;
  broadcast: { receivers: number; window: number };
  idle: { count: number; most: number };
}

export interface Row {
  id: string;
  label: string;
  unit: string;
  /** The target each run compares against, and the bound on subject / that target; or an absolute bound. */
  goals: Array<{ vs: TargetId; min?: number; max?: number } | { absolute_max: number }>;
  /** The target the goals are about (default: ours). */
  subject?: TargetId;
  paths: Partial<Record<TargetId, string>>;
  /** Rows that only check capacity run in the first round only. */
  first_round_only?: boolean;
  /** Memory rows run on a server started for them alone, so earlier load does not blur the reading. */
  fresh_server?: boolean;
  measure(pool: LoadPool, server: Running, path: string, settings: Settings): Promise<Measurement>;
}

const sum = (results: Result[], pick: (r: Result) => number) => results.reduce((total, r) => total + pick(r), 0);

async function echo(pool: LoadPool, server: Running, path: string, s: Settings, json = false, load = s.echo): Promise<Measurement> {
  const clients = split(load.clients, pool.size).filter((n) => n > 0);
  const results = await Promise.all(clients.map((n, i) => pool.run(i, {
    kind: "echo", url: server.url(path), clients: n, size: load.size, window: load.window, json,
    warmup_ms: s.warmup_ms, duration_ms: s.duration_ms,
  })));
  const latencies = results.flatMap((r) => (r.kind === "echo" ? r.latencies_ms : []));
  const seconds = Math.max(...results.map((r) => (r.kind === "echo" ? r.seconds : 0)));
  return { value: sum(results, (r) => (r.kind === "echo" ? r.messages : 0)) / seconds, latencies_ms: latencies };
}

async function connections(pool: LoadPool, server: Running, path: string, s: Settings, concurrency: number): Promise<Measurement> {
  const parts = concurrency === 1 ? [1] : split(concurrency, pool.size);
  const results = await Promise.all(parts.map((c, i) => pool.run(i, { kind: "connect", url: server.url(path), concurrency: c, duration_ms: s.duration_ms })));
  const seconds = Math.max(...results.map((r) => (r.kind === "connect" ? r.seconds : 0)));
  return {
    value: sum(results, (r) => (r.kind === "connect" ? r.connections : 0)) / seconds,
    extra: { failures: sum(results, (r) => (r.kind === "connect" ? r.failures : 0)) },
  };
}

async function idle(pool: LoadPool, server: Running, path: string, count: number): Promise<{ opened: number; bytes: number }> {
  // A first, closed batch warms the server up (code, pools), so the reading is of connections alone.
  await pool.run(0, { kind: "idle_open", url: server.url(path), count: 100, batch: 50 });
  await pool.run(0, { kind: "idle_close" });
  await server.collect?.();
  const before = rss(server.pid);
  const parts = split(count, pool.size);
  const results = await Promise.all(parts.map((n, i) => pool.run(i, { kind: "idle_open", url: server.url(path), count: n, batch: 50 })));
  await new Promise((r) => setTimeout(r, 500));
  await server.collect?.();
  const after = rss(server.pid);
  await pool.all(() => ({ kind: "idle_close" }));
  return { opened: sum(results, (r) => (r.kind === "idle" ? r.opened : 0)), bytes: after - before };
}

async function broadcast(pool: LoadPool, server: Running, path: string, s: Settings): Promise<Measurement> {
  const result = await pool.run(0, {
    kind: "broadcast", url: server.url(path), receivers: s.broadcast.receivers, window: s.broadcast.window,
    warmup_ms: s.warmup_ms, duration_ms: s.duration_ms,
  });
  return { value: result.kind === "broadcast" ? result.deliveries / result.seconds : 0 };
}

const ECHO_PATHS = { raw: "/echo/", ours: "/ws/echo/", daphne: "/ws/echo/" };
/** The sandbox target serves the async echo example at its session's root; the path is filled in per run. */
const SANDBOX = "(session)";

export const ROWS: Row[] = [
  {
    id: "echo-async", label: "async echo (AsyncWebsocketConsumer)", unit: "msg/s",
    goals: [{ vs: "raw", min: 0.8 }, { vs: "daphne", min: 7 }],
    paths: { raw: "/echo/", ours: "/ws/async-echo/", daphne: "/ws/async-echo/" },
    measure: (pool, server, path, s) => echo(pool, server, path, s),
  },
  {
    id: "echo-sync", label: "sync echo (WebsocketConsumer)", unit: "msg/s",
    goals: [{ vs: "raw", min: 0.8 }],
    paths: ECHO_PATHS,
    measure: (pool, server, path, s) => echo(pool, server, path, s),
  },
  {
    id: "echo-json", label: "JSON echo (JsonWebsocketConsumer)", unit: "msg/s",
    goals: [],
    paths: { raw: "/echo/", ours: "/ws/json/", daphne: "/ws/json/" },
    measure: (pool, server, path, s) => echo(pool, server, path, s, true),
  },
  {
    id: "broadcast", label: "group broadcast (in-memory layer)", unit: "deliveries/s",
    goals: [{ vs: "raw", min: 0.7 }],
    paths: { raw: "/ws/chat/bench/", ours: "/ws/chat/bench/", daphne: "/ws/chat/bench/" },
    measure: (pool, server, path, s) => broadcast(pool, server, path, s),
  },
  {
    id: "broadcast-redis", label: "group broadcast (Redis layer)", unit: "deliveries/s",
    subject: "ours-redis",
    goals: [{ vs: "daphne-redis", min: 5 }],
    paths: { "ours-redis": "/ws/chat/bench/", "daphne-redis": "/ws/chat/bench/" },
    measure: (pool, server, path, s) => broadcast(pool, server, path, s),
  },
  {
    id: "connect-seq", label: "connections, sequential (open, handshake, close)", unit: "conn/s",
    goals: [{ vs: "raw", min: 0.8 }],
    paths: ECHO_PATHS,
    measure: (pool, server, path, s) => connections(pool, server, path, s, 1),
  },
  {
    id: "connect-50", label: "connections, 50 concurrent", unit: "conn/s",
    goals: [{ vs: "raw", min: 0.8 }],
    paths: ECHO_PATHS,
    measure: (pool, server, path, s) => connections(pool, server, path, s, 50),
  },
  {
    id: "sandbox-echo", label: "async echo as learner code in the sandbox", unit: "msg/s",
    subject: "sandbox",
    goals: [{ vs: "ours", min: 0.5 }],
    paths: { ours: "/ws/async-echo/", sandbox: SANDBOX },
    measure: (pool, server, path, s) => echo(pool, server, path, s),
  },
  {
    id: "sandbox-rtt", label: "round trip, one message in flight (p50)", unit: "ms",
    subject: "sandbox",
    goals: [],
    paths: { ours: "/ws/async-echo/", sandbox: SANDBOX },
    async measure(pool, server, path, s) {
      const m = await echo(pool, server, path, s, false, { clients: 1, window: 1, size: s.echo.size });
      return { value: percentile(m.latencies_ms!, 50), extra: { p99_ms: percentile(m.latencies_ms!, 99) } };
    },
  },
  {
    id: "apply-serve", label: "apply new code -> a new connection served by it (median)", unit: "ms",
    subject: "sandbox",
    goals: [{ absolute_max: 100 }],
    paths: { sandbox: SANDBOX },
    async measure(_pool, server, _path, s) {
      const times = await apply_to_serve(server, s.reloads);
      return { value: percentile(times, 50), extra: { p90_ms: percentile(times, 90), reloads: times.length } };
    },
  },
  {
    id: "idle-rss", label: "RSS per idle connection", unit: "bytes",
    goals: [{ vs: "raw", max: 1.5 }],
    paths: ECHO_PATHS,
    fresh_server: true,
    async measure(pool, server, path, s) {
      const { opened, bytes } = await idle(pool, server, path, s.idle.count);
      return { value: bytes / Math.max(1, opened), extra: { opened } };
    },
  },
  {
    id: "idle-most", label: "idle connections held", unit: "connections",
    goals: [{ vs: "raw", min: 1 }],
    paths: ECHO_PATHS,
    first_round_only: true,
    fresh_server: true,
    async measure(pool, server, path, s) {
      const { opened, bytes } = await idle(pool, server, path, s.idle.most);
      return { value: opened, extra: { tried: s.idle.most, rss_growth_mib: bytes / 2 ** 20 } };
    },
  },
];
