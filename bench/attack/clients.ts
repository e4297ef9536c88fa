// The clients an attacker and the bystander use: sessions over the API, control sockets, test clients, and the
// bystander's echo loop (a worker thread, see bystander-worker.mjs). Every wait has a deadline.
import { Worker } from "node:worker_threads";
import { WebSocket } from "ws";
import type { Server } from "./server.ts";

/** What an attack gets: the server, the bystander's session (its id is a wire target), new attacker sessions. */
export interface Context {
  server: Server;
  bystander: Session;
  /** An attacker session (one made ready before the attack, else a new one); its control closes after the attack. */
  session(): Promise<Session>;
  /** Something to close after the attack (a socket, a client). */
  later(cleanup: () => void): void;
}

export interface Attack {
  name: string;
  /** What was sent, in a few words. */
  sent: string;
  /** Attacker sessions it uses (default 1): created before its memory is read, so their processes are not its growth. */
  sessions?: number;
  /** The attack is abandoned (and so reported) past this. */
  budget_ms: number;
  /** Resolves with what the attacker saw. */
  run(ctx: Context): Promise<string>;
}

export const ECHO = `import { AsyncWebsocketConsumer } from "channels";
export class Echo extends AsyncWebsocketConsumer {
  async connect() { await this.accept(); }
  async receive(text_data?: string) { await this.send({ text_data: "echo " + text_data }); }
}`;

type Message = { type: string; [key: string]: unknown };
export type TraceRecord = { kind: string; code?: string | number; event?: string; message?: string; detail?: string; [key: string]: unknown };

export class Control {
  readonly messages: Message[] = [];
  readonly records: TraceRecord[] = [];
  closed: number | null = null;
  bytes = 0;
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      this.bytes += data.length;
      let m: Message;
      try { m = JSON.parse(String(data)) as Message; } catch { return; }
      this.messages.push(m);
      if (m.type === "trace") this.records.push(...(m.records as TraceRecord[]));
    });
    ws.on("close", (code) => { this.closed = code; });
    ws.on("error", () => {});
  }

  static open(url: string, origin: string, ms = 5000): Promise<Control> {
    const ws = new WebSocket(url, { origin, handshakeTimeout: ms });
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(new Control(ws)));
      ws.once("error", reject);
      ws.once("unexpected-response", (_q, res) => { ws.terminate(); reject(new Error(`HTTP ${res.statusCode}`)); });
    });
  }

  send(message: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  async next(type: string, from = 0, ms = 5000): Promise<Message | undefined> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const found = this.messages.slice(from).find((m) => m.type === type);
      if (found) return found;
      if (this.closed !== null) return undefined;
      await new Promise((r) => setTimeout(r, 20));
    }
    return undefined;
  }

  /** Sends Run and waits for its result; undefined (with the wait's duration) when none came in `ms`. */
  async run(code: string, ms = 15_000): Promise<{ result: Message | undefined; ms: number }> {
    const from = this.messages.length;
    const t0 = performance.now();
    this.send({ type: "run", code, language: "typescript" });
    const result = await this.next("run_result", from, ms);
    return { result, ms: performance.now() - t0 };
  }

  /** Error codes and lifecycle/server events in the trace since `from`, counted: what the log told the learner. */
  seen(from = 0): string {
    const counts = new Map<string, number>();
    for (const r of this.records.slice(from)) {
      const key = r.kind === "error" ? `error ${r.code ?? JSON.stringify(String(r.message).slice(0, 50))}`
        : r.kind === "lifecycle" ? `lifecycle ${r.event}`
        : r.kind === "server" && r.code !== undefined ? `server ${r.event} ${r.code}` : undefined;
      if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([k, n]) => (n > 1 ? `${k} x${n}` : k)).join(", ");
  }

  close(): void {
    this.ws.terminate();
  }
}

export interface Session { id: string; token: string; control: Control; ws_base: string; control_url: string }

export async function create_session(server: Server): Promise<Session> {
  const response = await fetch(`${server.origin}/api/sessions`, { method: "POST", headers: { Origin: server.origin }, signal: AbortSignal.timeout(5000) });
  if (response.status !== 201) throw new Error(`POST /api/sessions: ${response.status} ${await response.text()}`);
  const info = (await response.json()) as { session: string; token: string; ws_path: string; control_path: string };
  const control_url = `ws://127.0.0.1:${server.port}${info.control_path}`;
  const control = await Control.open(control_url, server.origin);
  control.send({ type: "hello", token: info.token });
  if (!(await control.next("welcome"))) throw new Error(`no welcome on ${info.control_path}`);
  return { id: info.session, token: info.token, control, control_url, ws_base: `ws://127.0.0.1:${server.port}${info.ws_path}` };
}

export interface TestClient {
  ws: WebSocket;
  outcome: Promise<string>;
  closed: Promise<number>;
  messages: string[];
  /** The next message, or undefined after `ms`. */
  next(ms?: number): Promise<string | undefined>;
}

export function test_client(url: string): TestClient {
  const ws = new WebSocket(url, { handshakeTimeout: 5000, maxPayload: 128 * 1024 * 1024 });
  const messages: string[] = [];
  ws.on("message", (data) => messages.push(String(data)));
  ws.on("error", () => {});
  const outcome = new Promise<string>((resolve) => {
    ws.once("open", () => resolve("open"));
    ws.once("unexpected-response", (_q, res) => { resolve(`HTTP ${res.statusCode}`); ws.terminate(); });
    ws.once("error", (e) => resolve(e.message));
  });
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  let read = 0;
  const next = async (ms = 3000) => {
    const end = Date.now() + ms;
    while (Date.now() < end && read >= messages.length && ws.readyState <= WebSocket.OPEN) await new Promise((r) => setTimeout(r, 10));
    return read < messages.length ? messages[read++] : undefined;
  };
  return { ws, outcome, closed, messages, next };
}

/** Resolves with `p`'s value, or `fallback` after `ms`. */
export function within<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  return Promise.race([p, new Promise<T>((r) => setTimeout(() => r(fallback), ms))]);
}

export interface Sample { kind: "rtt" | "lost" | "closed" | "connect_failed"; t: number; ms?: number; ok?: boolean; code?: number; outage?: boolean }

export class Bystander {
  readonly samples: Sample[] = [];
  private readonly worker = new Worker(new URL("./bystander-worker.mjs", import.meta.url));
  constructor() {
    this.worker.on("message", (m: { type: string; samples?: Sample[] }) => { if (m.samples) this.samples.push(...m.samples); });
  }

  point_at(url: string): void {
    this.worker.postMessage({ type: "url", url });
  }

  async stop(): Promise<void> {
    const stopped = new Promise<void>((r) => this.worker.on("message", (m: { type: string }) => m.type === "stopped" && r()));
    this.worker.postMessage({ type: "stop" });
    await within(stopped, 7000, undefined);
    await this.worker.terminate();
  }

  /** Round trips sent in [from, to); an outage is one round trip, from its start to the next echo. */
  between(from: number, to: number): { rtts: number[]; lost: number; failed: number; closes: number[] } {
    const inside = this.samples.filter((s) => s.t >= from && s.t < to);
    return {
      rtts: inside.filter((s) => s.kind === "rtt").map((s) => s.ms!),
      lost: inside.filter((s) => s.kind === "lost" || (s.kind === "rtt" && !s.ok)).length,
      failed: inside.filter((s) => s.kind === "connect_failed").length,
      closes: inside.filter((s) => s.kind === "closed").map((s) => s.code!),
    };
  }
}
