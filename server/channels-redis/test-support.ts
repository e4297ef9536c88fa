// A real redis-server (Debian's) on a free loopback port, for tests and benchmarks: nothing saved to disk,
// stopped with the process that started it. `restart()` brings it back empty on the same port.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { free_port } from "../test-support/free-port.ts";

const REDIS_SERVER = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";
const live = new Set<ChildProcess>();
process.once("exit", () => { for (const child of live) child.kill("SIGKILL"); });

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Stops it, waits `down_ms`, and starts it again, empty, on the same port. */
  restart(down_ms?: number): Promise<void>;
}

async function launch(port: number): Promise<ChildProcess> {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(`redis-server is not installed at ${REDIS_SERVER}: sudo apt-get install redis-server (or npm run setup -- --for test)`);
  }
  const child = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  child.once("exit", () => live.delete(child));
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d));
  child.stderr!.on("data", (d: Buffer) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (output.includes("Ready to accept connections")) {
        clearInterval(check);
        resolve();
      }
    }, 10);
    child.once("exit", (code) => {
      clearInterval(check);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  return child;
}

function stop_child(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

export async function start_redis(): Promise<RedisServer> {
  const port = await free_port();
  let child = await launch(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => stop_child(child),
    async restart(down_ms = 200) {
      await stop_child(child);
      await new Promise((r) => setTimeout(r, down_ms));
      child = await launch(port);
    },
  };
}
