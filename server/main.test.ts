// `npm start` as a user runs it: the example app on HOST/PORT, a printed URL, a clean stop on a signal.
import { once } from "node:events";
import { expect, it } from "vitest";
import { WebSocket } from "ws";
import { free_port } from "./test-support/free-port.ts";
import { spawn_main, start_main } from "./test-support/start-main.ts";

it("serves the example app, prints its URL and stops cleanly on SIGTERM", async () => {
  const main = await start_main();
  expect(await (await fetch(`${main.url}examples/`)).text()).toContain("ws/chat/");
  const ws = new WebSocket(`${main.ws_url}ws/echo/`);
  await once(ws, "open");
  ws.send("hello");
  const [message] = await once(ws, "message");
  expect(String(message)).toBe("hello");
  const closed = once(ws, "close");
  expect(await main.stop()).toBe(0);
  expect((await closed)[0]).toBe(1001); // connections are closed as "going away"
  expect(main.output()).toContain("SIGTERM: closing connections and stopping");
}, 20_000);

it("refuses to start when REDIS_URL points at no Redis, naming it, with no stack trace", async () => {
  const port = await free_port();
  const started = spawn_main({ REDIS_URL: `redis://:hunter2@127.0.0.1:${port}/0`, REDIS_CONNECT_TIMEOUT_S: "0.5" });
  const [code] = await once(started.child, "exit");
  expect(code).toBe(1);
  const output = started.output();
  expect(output).toContain(`channels-playground cannot start: Redis at redis://:****@127.0.0.1:${port}/0 is not reachable (`);
  expect(output).toContain("unset REDIS_URL");
  expect(output).not.toContain("hunter2");
  expect(output).not.toMatch(/^\s+at /m);
  expect(output).not.toContain("listening on");
}, 20_000);
