// `npm start` as a user runs it: the example app on HOST/PORT, a printed URL, a clean stop on a signal.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { WebSocket } from "ws";

it("serves the example app, prints its URL and stops cleanly on SIGTERM", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./main.ts", import.meta.url))], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (m) resolve(m[1]!);
    });
    child.once("exit", () => reject(new Error(`exited early: ${output}`)));
  });
  expect(await (await fetch(`${url}examples/`)).text()).toContain("ws/chat/");
  const ws = new WebSocket(`${url.replace("http", "ws")}ws/echo/`);
  await once(ws, "open");
  ws.send("hello");
  const [message] = await once(ws, "message");
  expect(String(message)).toBe("hello");
  const closed = once(ws, "close");
  child.kill("SIGTERM");
  const [code] = await once(child, "exit");
  expect(code).toBe(0);
  expect((await closed)[0]).toBe(1001); // connections are closed as "going away"
  expect(output).toContain("SIGTERM: closing connections and stopping");
}, 20_000);
