// Starts the reference server (Debian's Daphne 4.0 + Channels 4.0) for the conformance suite.
// Debian's Python is used on purpose: a pyenv python3 earlier on PATH has no Django.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { free_port } from "../server/test-support/free-port.ts";

export const PYTHON = "/usr/bin/python3";
export const DAPHNE = "/usr/bin/daphne";
const DJANGO_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "django");
const EXAMPLES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "python", "examples");
const APPLICATION = "conf_project.asgi:application";

export interface DaphneServer {
  url: string; // ws://127.0.0.1:<port>
  port: number;
  pid: number;
  stop(): Promise<void>;
  logs(): string;
}

export interface DaphneOptions {
  // Daphne's CLI sets both the connect and the handshake timeout from this (seconds).
  connectTimeoutSeconds?: number;
  startupTimeoutMs?: number;
  /** A Redis URL: the Django project then uses channels_redis' RedisChannelLayer on it. */
  redisUrl?: string;
}

// Which Debian package provides each missing piece, so the error can say exactly what to install.
const PYTHON_MODULES: ReadonlyArray<[module: string, pkg: string]> = [
  ["django", "python3-django"],
  ["channels", "python3-django-channels"],
  ["daphne", "python3-daphne"],
];

export function checkDaphneInstalled(redis = false): void {
  const missing: string[] = [];
  if (!existsSync(PYTHON)) missing.push("python3");
  if (!existsSync(DAPHNE)) missing.push("daphne");
  if (existsSync(PYTHON)) {
    const modules = redis ? [...PYTHON_MODULES, ["channels_redis", "python3-channels-redis"] as const] : PYTHON_MODULES;
    for (const [module, pkg] of modules) {
      const r = spawnSync(PYTHON, ["-c", `import ${module}`], { stdio: "ignore" });
      if (r.status !== 0) missing.push(pkg);
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `The Daphne reference server is not available (missing: ${missing.join(", ")}). ` +
        `Install it with: sudo apt-get install ${[...new Set(missing)].join(" ")}`,
    );
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

// Daphnes still running when Node exits (crash, Ctrl-C, a failing test) are killed synchronously here.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

export async function startDaphne(options: DaphneOptions = {}): Promise<DaphneServer> {
  checkDaphneInstalled(options.redisUrl !== undefined);
  installExitHook();
  const port = await free_port();
  const args = [
    "-b", "127.0.0.1",
    "-p", String(port),
    "--websocket_connect_timeout", String(options.connectTimeoutSeconds ?? 5),
    APPLICATION,
  ];
  const child = spawn(DAPHNE, args, {
    cwd: DJANGO_DIR,
    env: {
      PATH: "/usr/bin:/bin",
      LANG: "C.UTF-8",
      // The gallery's Python examples are the Django twin's consumers (a directory of modules, not packages,
      // so our own channels package beside them never shadows the real one).
      PYTHONPATH: `${DJANGO_DIR}:${EXAMPLES_DIR}`,
      DJANGO_SETTINGS_MODULE: "conf_project.settings",
      // Without this the seed consumer's print() output sits in a pipe buffer and logs() misses it.
      PYTHONUNBUFFERED: "1",
      PYTHONDONTWRITEBYTECODE: "1",
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  child.once("exit", () => live.delete(child));

  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (s: string) => (output += s));
  child.stderr?.setEncoding("utf8").on("data", (s: string) => (output += s));

  const stop = async (): Promise<void> => {
    if (!live.has(child)) return;
    child.kill("SIGTERM");
    if (!(await waitExit(child, 3000))) {
      child.kill("SIGKILL");
      await waitExit(child, 3000);
    }
  };

  const deadline = Date.now() + (options.startupTimeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`daphne exited during startup (code ${child.exitCode}, signal ${child.signalCode}):\n${output}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`daphne did not accept connections on port ${port} in time:\n${output}`);
    }
    await sleep(100);
  }

  return { url: `ws://127.0.0.1:${port}`, port, pid: child.pid!, stop, logs: () => output };
}
