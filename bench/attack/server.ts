// The server under attack: the built `npm start` entry (dist/server/main.js) on a free loopback port, and its
// memory read from /proc for it and every process below it (session sandboxes, compiler workers, esbuild).
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { free_port } from "../../server/test-support/free-port.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface Server {
  port: number;
  pid: number;
  origin: string;
  /** Set once the process has exited, with its code or signal. */
  exit: string | null;
  /** The last lines it printed (both streams), for the report when it dies. */
  tail: string[];
  /** Lines it printed since start, counted by a pattern (errors it logged while under attack). */
  lines: string[];
  /** Every process seen below it (memory() records them), with its start time: none outlives a server that died. */
  seen: Map<number, string>;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and kills whatever it started that is still running. */
  stop(): Promise<void>;
}

/** Servers still running, with the processes seen below them: killed if the bench exits early (it threw). */
const live = new Map<ChildProcess, Map<number, string>>();
process.once("exit", () => {
  for (const [child, seen] of live) {
    child.kill("SIGKILL");
    kill_leftovers(seen);
  }
});

export async function start_server(env: Record<string, string>): Promise<Server> {
  const port = await free_port();
  const child = spawn(process.execPath, ["--enable-source-maps", "dist/server/main.js"], {
    cwd: ROOT, env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1" }, stdio: ["ignore", "pipe", "pipe"],
  });
  const server: Server = {
    port, pid: child.pid!, origin: `http://127.0.0.1:${port}`, exit: null, tail: [], lines: [], seen: new Map(),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        remember(server, descendants(child.pid!));
        child.kill("SIGTERM");
        const gone = new Promise((r) => child.once("exit", r));
        // A server that does not stop on SIGTERM within 5 s is killed: the bench must not leave it behind.
        if (!(await Promise.race([gone.then(() => true), sleep(5000).then(() => false)]))) {
          child.kill("SIGKILL");
          await gone;
        }
        await sleep(500);
      }
      kill_leftovers(server.seen);
    },
  };
  live.set(child, server.seen);
  const keep = (chunk: Buffer) => {
    for (const line of String(chunk).split("\n").filter(Boolean)) {
      server.lines.push(line.slice(0, 2000));
      server.tail.push(line.slice(0, 500));
      if (server.tail.length > 40) server.tail.shift();
    }
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  child.once("exit", (code, signal) => {
    server.exit = signal ? `signal ${signal}` : `code ${code}`;
    live.delete(child);
  });
  const deadline = Date.now() + 15_000;
  while (!server.lines.some((l) => l.includes("listening on"))) {
    if (server.exit !== null) throw new Error(`server exited (${server.exit}) before listening: ${server.tail.join("\n")}`);
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`server did not listen within 15 s: ${server.tail.join("\n")}`);
    }
    await sleep(50);
  }
  return server;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function rss_kb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // gone between listing and reading
  }
}

/** Every process below `root`, found through /proc's parent links (children die and appear while we read). */
export function descendants(root: number): number[] {
  const parent = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${name}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
      parent.set(ppid, [...(parent.get(ppid) ?? []), Number(name)]);
    } catch { /* exited meanwhile */ }
  }
  const out: number[] = [];
  const queue = [...(parent.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(parent.get(pid) ?? []));
  }
  return out;
}

/** A process's start time (clock ticks since boot): with its pid, it names the process even after pid reuse. */
function started_at(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[19];
  } catch {
    return undefined;
  }
}

function remember(server: Server, pids: number[]): void {
  for (const pid of pids) {
    const start = started_at(pid);
    if (start !== undefined && !server.seen.has(pid)) server.seen.set(pid, start);
  }
}

/** Kills the processes in `seen` still running: the same pid and start time, so never one that reused a pid. */
function kill_leftovers(seen: Map<number, string>): void {
  for (const [pid, start] of seen) {
    if (started_at(pid) !== start) continue;
    try { process.kill(pid, "SIGKILL"); } catch { /* gone meanwhile */ }
  }
}

export interface Memory { server_mb: number; tree_mb: number; processes: number }

export function memory(server: Server): Memory {
  const pid = server.pid;
  const below = descendants(pid);
  remember(server, below);
  const own = rss_kb(pid);
  const tree = below.reduce((sum, p) => sum + rss_kb(p), own);
  return { server_mb: own / 1024, tree_mb: tree / 1024, processes: 1 + below.length };
}

export function alive(server: Server): boolean {
  if (server.exit !== null) return false;
  try {
    process.kill(server.pid, 0);
    return true;
  } catch {
    return false;
  }
}
