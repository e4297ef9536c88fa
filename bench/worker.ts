// The load generator's worker thread: a `ws` client that runs one measurement and reports what it counted.
// Several run in parallel so that the client is not the bottleneck. Every measurement runs for a fixed time
// (after a warm-up), so fast and slow servers cost the same wall time.
import { parentPort } from "node:worker_threads";
import { WebSocket } from "ws";

export type Task =
  | { kind: "echo"; url: string; clients: number; size: number; window: number; json: boolean; warmup_ms: number; duration_ms: number }
  | { kind: "connect"; url: string; concurrency: number; duration_ms: number }
  | { kind: "broadcast"; url: string; receivers: number; window: number; warmup_ms: number; duration_ms: number }
  | { kind: "idle_open"; url: string; count: number; batch: number }
  | { kind: "idle_close" };

export type Result =
  | { kind: "echo"; messages: number; seconds: number; latencies_ms: number[] }
  | { kind: "connect"; connections: number; failures: number; seconds: number }
  | { kind: "broadcast"; deliveries: number; seconds: number }
  | { kind: "idle"; opened: number; failed: number }
  | { kind: "error"; message: string };

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function close(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve();
    const timer = setTimeout(() => { ws.terminate(); resolve(); }, 3000);
    ws.once("close", () => { clearTimeout(timer); resolve(); });
    ws.close();
  });
}

async function open_all(url: string, count: number, batch = 100): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i += batch) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, () => open(url)))));
  }
  return sockets;
}

/** Warm up, measure for the duration, then stop sending and give in-flight work up to 5 s to drain. */
async function timed(task: { warmup_ms: number; duration_ms: number }, state: { measuring: boolean; sending: boolean }, drained: Promise<void>): Promise<number> {
  await sleep(task.warmup_ms);
  state.measuring = true;
  const start = now();
  await sleep(task.duration_ms);
  state.measuring = false;
  const seconds = (now() - start) / 1000;
  state.sending = false;
  await Promise.race([drained, sleep(5000)]);
  return seconds;
}

/** C clients each keep W messages in flight; every echo's round trip is timed. */
async function echo(task: Extract<Task, { kind: "echo" }>): Promise<Result> {
  const sockets = await open_all(task.url, task.clients);
  const payload = task.json ? JSON.stringify({ p: "x".repeat(Math.max(0, task.size - 9)) }) : "x".repeat(task.size);
  const state = { measuring: false, sending: true };
  const latencies: number[] = [];
  let messages = 0;
  let active = sockets.length;
  let all_drained!: () => void;
  const drained = new Promise<void>((resolve) => (all_drained = resolve));
  for (const ws of sockets) {
    const sent_at: number[] = [];
    let head = 0;
    const send = () => { sent_at.push(now()); ws.send(payload); };
    ws.on("message", () => {
      const rtt = now() - sent_at[head++]!;
      if (state.measuring) { messages++; latencies.push(rtt); }
      if (head > 4096) { sent_at.splice(0, head); head = 0; }
      if (state.sending) send();
      else if (head === sent_at.length && --active === 0) all_drained();
    });
    for (let i = 0; i < task.window; i++) send();
  }
  const seconds = await timed(task, state, drained);
  await Promise.all(sockets.map(close));
  return { kind: "echo", messages, seconds, latencies_ms: latencies };
}

/** Loops that open a websocket, wait for the handshake, close it and wait for the close handshake. */
async function connect(task: Extract<Task, { kind: "connect" }>): Promise<Result> {
  let connections = 0;
  let failures = 0;
  const start = now();
  const end = start + task.duration_ms;
  await Promise.all(Array.from({ length: task.concurrency }, async () => {
    while (now() < end) {
      try {
        await close(await open(task.url));
        connections++;
      } catch {
        failures++;
      }
    }
  }));
  return { kind: "connect", connections, failures, seconds: (now() - start) / 1000 };
}

/** R clients in one room; one of them sends, keeping W messages in flight until all R have each one. */
async function broadcast(task: Extract<Task, { kind: "broadcast" }>): Promise<Result> {
  const sockets = await open_all(task.url, task.receivers);
  const sender = sockets[0]!;
  const state = { measuring: false, sending: true };
  const counts = new Map<number, number>();
  const padding = "x".repeat(32);
  let next_id = 0;
  let deliveries = 0;
  let all_drained!: () => void;
  const drained = new Promise<void>((resolve) => (all_drained = resolve));
  const send = () => { counts.set(next_id, 0); sender.send(`${next_id++}:${padding}`); };
  for (const ws of sockets) {
    ws.on("message", (data: Buffer) => {
      if (state.measuring) deliveries++;
      const id = Number.parseInt(data.toString(), 10);
      const count = counts.get(id)! + 1;
      if (count < task.receivers) return void counts.set(id, count);
      counts.delete(id);
      if (state.sending) send();
      else if (counts.size === 0) all_drained();
    });
  }
  for (let i = 0; i < task.window; i++) send();
  const seconds = await timed(task, state, drained);
  await Promise.all(sockets.map(close));
  return { kind: "broadcast", deliveries, seconds };
}

const idle: WebSocket[] = [];

async function idle_open(task: Extract<Task, { kind: "idle_open" }>): Promise<Result> {
  let failed = 0;
  for (let i = 0; i < task.count; i += task.batch) {
    const batch = await Promise.allSettled(Array.from({ length: Math.min(task.batch, task.count - i) }, () => open(task.url)));
    for (const r of batch) {
      if (r.status === "fulfilled") idle.push(r.value);
      else failed++;
    }
  }
  return { kind: "idle", opened: idle.length, failed };
}

async function run(task: Task): Promise<Result> {
  switch (task.kind) {
    case "echo": return echo(task);
    case "connect": return connect(task);
    case "broadcast": return broadcast(task);
    case "idle_open": return idle_open(task);
    case "idle_close": {
      const opened = idle.length;
      for (let i = 0; i < idle.length; i += 500) await Promise.all(idle.slice(i, i + 500).map(close));
      idle.length = 0;
      return { kind: "idle", opened, failed: 0 };
    }
  }
}

parentPort!.on("message", (task: Task) => {
  run(task).then(
    (result) => parentPort!.postMessage(result),
    (error: unknown) => parentPort!.postMessage({ kind: "error", message: error instanceof Error ? error.message : String(error) }),
  );
});
