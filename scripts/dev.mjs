#!/usr/bin/env node
// `npm run dev`: the server (restarted when its code changes) and Vite (hot reload for the UI) together.
// Vite proxies the API and the websockets to the server; Ctrl+C stops both.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = process.env.PORT ?? "8000";
const vite_port = process.env.VITE_PORT ?? "5173";
const env = {
  ...process.env, PORT: port, VITE_PORT: vite_port,
  EXTRA_ORIGINS: [`http://127.0.0.1:${vite_port}`, `http://localhost:${vite_port}`, process.env.EXTRA_ORIGINS].filter(Boolean).join(","),
};
const bin = (name) => join(root, "node_modules", ".bin", name);
const children = [
  spawn(bin("tsx"), ["watch", "--clear-screen=false", "server/main.ts"], { cwd: root, env, stdio: "inherit" }),
  spawn(bin("vite"), ["--config", "vite.config.ts"], { cwd: root, env, stdio: "inherit" }),
];
console.log(`\n  channels playground (dev): http://127.0.0.1:${vite_port}/\n`);
let stopping = false;
const stop = (code = 0) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 500);
};
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stop(0));
for (const child of children) child.on("exit", (code) => stop(code ?? 1));
