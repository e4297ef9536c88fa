#!/usr/bin/env node
// Installs what the project needs on a fresh machine, and nothing when it is already there:
// npm packages from the lockfile, and the Debian packages a task needs (`--for test`, `--for dev`).
// Plain JavaScript with no dependencies: it runs before node_modules exists.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const task = process.argv.includes("--for") ? process.argv[process.argv.indexOf("--for") + 1] : "dev";

/** Debian packages by task; each entry names a file whose presence means it is installed. */
const DAPHNE = { file: "/usr/bin/daphne", packages: ["daphne", "python3-django-channels"] };
/** The e2e tests' browser: Debian's Chromium, unless CHROMIUM_PATH points at another. */
const CHROMIUM = { file: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", packages: ["chromium"] };
/** The Redis channel layer's tests and its interop test with channels_redis. */
const REDIS = { file: "/usr/bin/redis-server", packages: ["redis-server"] };
const CHANNELS_REDIS = { file: "/usr/lib/python3/dist-packages/channels_redis/core.py", packages: ["python3-channels-redis"] };
const SYSTEM = {
  test: [DAPHNE, CHROMIUM, REDIS, CHANNELS_REDIS],
  dev: [],
  start: [],
};

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: root, ...options });
  if (result.status !== 0) {
    console.error(`setup: \`${command} ${args.join(" ")}\` failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}

function npm_packages() {
  const lock = join(root, "package-lock.json");
  const installed = join(root, "node_modules", ".package-lock.json");
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log("setup: installing npm packages from package-lock.json (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

function system_packages() {
  const missing = [...new Set((SYSTEM[task] ?? []).filter(({ file }) => !existsSync(file)).flatMap(({ packages }) => packages))];
  if (missing.length === 0) return;
  const install = ["install", "-y", "--no-install-recommends", ...missing];
  const is_root = process.getuid?.() === 0;
  const has_apt = spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
  const can_sudo = !is_root && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;
  if (!has_apt || !(is_root || can_sudo)) {
    console.error(`setup: '${task}' needs these Debian packages, which are missing. Install them with:\n  sudo apt-get ${install.join(" ")}`);
    process.exit(1);
  }
  console.log(`setup: installing Debian packages: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const apt = (args) => (is_root ? run("apt-get", args, { env }) : run("sudo", ["-n", "apt-get", ...args], { env }));
  apt(["update", "-qq"]);
  apt(install);
}

npm_packages();
system_packages();
