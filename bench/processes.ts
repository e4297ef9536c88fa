// Server processes under measurement: started from a script that prints "READY <port>", measured from /proc.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
// @ts-expect-error a plain JavaScript module (it runs before dependencies are installed), without types
import { build_server } from "../scripts/build-server.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface ServerProcess {
  port: number;
  /** Whatever the server printed after its port on the READY line. */
  extra: string[];
  pid: number;
  stop(): Promise<void>;
  /** Runs a full garbage collection in the server (it listens for SIGUSR2), so memory readings are steady. */
  collect(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once("exit", () => { for (const child of live) child.kill("SIGKILL"); });

/** Bundles `script` as `npm start` bundles the server, runs it, and waits for its READY line. */
export async function start_node_server(script: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const entry = relative(ROOT, fileURLToPath(new URL(script, import.meta.url)));
  const bundle = await build_server(entry);
  const child = spawn(process.execPath, ["--expose-gc", "--enable-source-maps", bundle], {
    env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"],
  });
  live.add(child);
  const [port, ...extra] = await new Promise<string[]>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk;
      const m = /READY ([^\n]+)\n/.exec(out);
      if (m) resolve(m[1]!.trim().split(" "));
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
  return {
    port: Number(port), extra, pid: child.pid!,
    collect: async () => {
      child.kill("SIGUSR2");
      await new Promise((r) => setTimeout(r, 300));
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      live.delete(child);
    },
  };
}

/** Resident memory of a process, in bytes. */
export function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m![1]) * 1024;
}

/** CPU time (user + system) a process has used, in seconds. */
export function cpu_seconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
}
