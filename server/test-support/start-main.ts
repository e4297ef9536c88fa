// `npm start` as a user runs it, in a child process: for tests that need whole servers (signals, exit codes,
// several processes sharing one Redis).
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

export interface MainProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port>/ */
  url: string;
  /** ws://127.0.0.1:<port>/ */
  ws_url: string;
  output(): string;
  stop(): Promise<number | null>;
}

/** Spawns main.ts with `env` added; resolves once it prints its URL (rejects, with its output, if it exits first). */
export function spawn_main(env: Record<string, string> = {}): { child: ChildProcess; output(): string; ready: Promise<MainProcess> } {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<MainProcess>((resolve, reject) => {
    const look = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (!m) return;
      child.stdout!.off("data", look);
      const url = m[1]!;
      resolve({
        child, url, ws_url: url.replace("http", "ws"), output: () => output,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          return exited;
        },
      });
    };
    child.stdout!.on("data", look);
    void exited.then((code) => reject(new Error(`main.ts exited (${code}) before listening:\n${output}`)));
  });
  ready.catch(() => undefined); // a caller watching the exit instead must not see an unhandled rejection
  return { child, output: () => output, ready };
}

export const start_main = (env: Record<string, string> = {}): Promise<MainProcess> => spawn_main(env).ready;
