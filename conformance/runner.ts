// Runs scripted client sessions against any server (Daphne or ours) and returns one transcript per scenario.

import http from "node:http";
import { SCENARIOS } from "./scenarios.ts";
import { WsSession, type ConnectOptions } from "./session.ts";
import type { Transcript } from "./transcript.ts";

export interface ScenarioContext {
  // Opens a client and waits for the handshake outcome (open, HTTP answer, or failure).
  connect(path: string, options?: ConnectOptions & { label?: string }): Promise<WsSession>;
  // Plain HTTP GET; only the status is recorded.
  httpGet(path: string, label?: string): Promise<number>;
}

export interface Scenario {
  name: string;
  description: string;
  run(ctx: ScenarioContext): Promise<void>;
}

export interface RunOptions {
  // Scenarios are independent, but a small batch size keeps Daphne's single sync-consumer thread from
  // turning load into timing noise. 1 = strictly sequential.
  concurrency?: number;
  // Per-scenario budget; the slowest scenario (never-accepting consumer) needs about 5 s.
  scenarioTimeoutMs?: number;
  onResult?: (name: string, transcript: Transcript, ms: number) => void;
}

// baseUrl is ws://host:port with no trailing slash; scenario paths start with "/".
export async function runScenarios(
  baseUrl: string,
  scenarios?: readonly Scenario[],
  options: RunOptions = {},
): Promise<Record<string, Transcript>> {
  const list = scenarios ?? SCENARIOS;
  const names = new Set<string>();
  for (const s of list) {
    if (names.has(s.name)) throw new Error(`duplicate scenario name ${s.name}`);
    names.add(s.name);
  }
  const results: Record<string, Transcript> = {};
  const concurrency = Math.max(1, options.concurrency ?? 1);
  for (let i = 0; i < list.length; i += concurrency) {
    const batch = list.slice(i, i + concurrency);
    const done = await Promise.all(batch.map((s) => runOne(baseUrl, s, options.scenarioTimeoutMs ?? 30_000)));
    batch.forEach((s, j) => {
      const [transcript, ms] = done[j]!;
      options.onResult?.(s.name, transcript, ms);
    });
    batch.forEach((s, j) => (results[s.name] = done[j]![0]));
  }
  // Keep the declared order regardless of batching.
  return Object.fromEntries(list.map((s) => [s.name, results[s.name]!]));
}

async function runOne(baseUrl: string, scenario: Scenario, timeoutMs: number): Promise<[Transcript, number]> {
  const started = Date.now();
  const sessions: Array<[string, WsSession]> = [];
  const transcript: Transcript = {};
  const labels = new Set<string>();
  const claim = (label: string): string => {
    if (labels.has(label)) throw new Error(`scenario ${scenario.name}: label ${label} used twice`);
    labels.add(label);
    return label;
  };

  const ctx: ScenarioContext = {
    async connect(path, options = {}) {
      const label = claim(options.label ?? "client");
      const session = new WsSession(baseUrl, path, options.protocols ?? [], options);
      sessions.push([label, session]);
      await session.opened();
      return session;
    },
    async httpGet(path, label = "http") {
      claim(label);
      const status = await getStatus(baseUrl.replace(/^ws/, "http") + path);
      transcript[label] = { kind: "http", path, status };
      return status;
    },
  };

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      scenario.run(ctx),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`scenario timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    transcript.runner = { kind: "runner-error", message: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
  for (const [label, session] of sessions) transcript[label] = await session.finish();
  return [transcript, Date.now() - started];
}

function getStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5000 }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
    });
    req.once("timeout", () => req.destroy(new Error("HTTP GET timed out")));
    req.once("error", reject);
  });
}
