// Learner code never runs with the server's powers: every escape attempt fails with a clear error in the
// session's log, runaway code is stopped, and the server and every other session keep serving.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { ControlClient, start_playground, type PlaygroundServer } from "./test-support.ts";

let pg: PlaygroundServer;
let bystander: ControlClient;
beforeAll(async () => {
  pg = await start_playground({ handler_timeout_ms: 500, max_connections: 3 });
  bystander = await pg.session();
  await bystander.run(`import { AsyncWebsocketConsumer } from "channels";
export class Echo extends AsyncWebsocketConsumer { async receive(t) { await this.send({ text_data: "echo " + t }); } }`);
});
afterAll(async () => pg.close());

/** The other session still answers. */
async function bystander_serves(other = bystander): Promise<void> {
  const c = other.client("", "bystander");
  expect(await c.outcome).toBe("open");
  c.ws.send("ping");
  expect(await c.next()).toBe("echo ping");
  c.ws.close();
}

/** After a stop, the session's code is loaded again and answers "hi" with `reply`; the control socket then closes. */
async function restarted_and_serving(control: ControlClient, reply: string, ms?: number): Promise<void> {
  await control.record((r) => r.kind === "lifecycle" && r.event === "restarted", ms);
  await control.serves("hi", reply, "again");
  control.close();
}

/** Runs `body` in a consumer's receive; returns what the client saw and the session's error record. */
async function attempt(body: string): Promise<{ close: number; error: string }> {
  const control = await pg.session();
  const result = await control.run(`import { AsyncWebsocketConsumer } from "channels";
export class Escape extends AsyncWebsocketConsumer {
  async receive(text) {
    ${body}
  }
}`);
  expect(result.ok).toBe(true);
  const c = control.client("", "escape");
  await c.outcome;
  c.ws.send("go");
  const { code } = await c.closed;
  const error = await control.record((r) => r.kind === "error");
  control.close();
  return { close: code, error: error.kind === "error" ? error.message : "" };
}

describe("escape attempts", () => {
  it.each([
    ["require at run time", `(0, eval)("require")("fs");`, "ReferenceError: require is not defined"],
    ["process.env", `return process.env.HOME;`, "ReferenceError: process is not defined"],
    ["globalThis.process", `globalThis.process.exit(1);`, "TypeError: Cannot read properties of undefined (reading 'exit')"],
    ["import() with a computed name", `const name = "node:child" + "_process"; await import(name);`, "Error: Not supported: import() of modules is not available in the sandbox"],
    ["fetch to 127.0.0.1", `await fetch("http://127.0.0.1:1/");`, "ReferenceError: fetch is not defined"],
    ["the Function constructor", `this.constructor.constructor("return process")().exit(1);`, "ReferenceError: process is not defined"],
    ["deep recursion", `const r = () => r(); r();`, "RangeError: Maximum call stack size exceeded"],
  ])("%s fails with a clear error", async (_name, body, message) => {
    const { close, error } = await attempt(body);
    expect(close).toBe(1011);
    expect(error).toBe(message);
    await bystander_serves();
  });

  it.each([
    ["require", `const fs = require("fs");`],
    ["a static import", `import { readFileSync } from "node:fs"; console.log(readFileSync);`],
    ["import() of a named module", `export async function load() { return import("node:child_process"); }`],
  ])("%s of a Node module is a compile error that says why", async (_name, line) => {
    const control = await pg.session();
    const result = await control.run(`${line}\nexport {};`);
    expect(result.ok).toBe(false);
    expect(result.diagnostics[0]!.message).toMatch(/^Cannot import "(fs|node:fs|node:child_process)" here: consumer code runs in a sandbox without Node modules/);
    expect(result.diagnostics[0]!.line).toBe(1);
    control.close();
  });
});

describe("runaway code", () => {
  it.each([
    ["an infinite loop", `while (true) {}`],
    ["an infinite loop after an await", `await null; for (;;) {}`],
    ["a loop in a timer callback", `setTimeout(() => { for (;;) {} }, 1); await new Promise((r) => setTimeout(r, 2000));`],
  ])("stops %s after the handler time limit, names the handler, and the session runs again", async (_name, body) => {
    const control = await pg.session();
    await control.run(`import { AsyncWebsocketConsumer } from "channels";
export class Spin extends AsyncWebsocketConsumer {
  async receive(text) {
    if (text === "spin") { ${body} }
    await this.send({ text_data: "ok " + text });
  }
}`);
    const c = control.client("", "spinner");
    await c.outcome;
    const started = Date.now();
    c.ws.send("spin");
    expect((await c.closed).code).toBe(1011);
    expect(Date.now() - started).toBeLessThan(3000);
    const error = await control.record((r) => r.kind === "error" && r.code === "HANDLER_TIMEOUT");
    expect(error.kind === "error" && error.message).toMatch(/ran longer than 500 ms and was stopped/);
    if (!_name.includes("timer")) expect(error.kind === "error" && error.message).toMatch(/^Spin\.websocket_receive ran longer/);
    await bystander_serves();
    // The same code serves again (it only spins when asked to).
    await restarted_and_serving(control, "ok hi");
  });

  it.each([
    ["growing arrays", `const a = []; for (;;) a.push(new Array(1e6).fill(1));`, 5000],
    ["a growing Map (V8 aborts the whole sandbox process)", `const m = new Map(); for (let i = 0; ; i++) m.set("k" + i, { i });`, 15000],
  ])("stops a memory bomb (%s) at the session's cap; the server and other sessions keep serving", async (_name, body, ms) => {
    // A time limit the bomb cannot hit first, even on a busy machine: this is about the memory cap.
    const roomy = await start_playground({ handler_timeout_ms: 3000, max_connections: 3 });
    const neighbour = await roomy.session();
    await neighbour.run(`import { AsyncWebsocketConsumer } from "channels";
export class Echo extends AsyncWebsocketConsumer { async receive(t) { await this.send({ text_data: "echo " + t }); } }`);
    const control = await roomy.session();
    await control.run(`import { AsyncWebsocketConsumer } from "channels";
export class Bomb extends AsyncWebsocketConsumer {
  async receive(text) { if (text === "bomb") { ${body} } await this.send({ text_data: "ok" }); }
}`);
    const c = control.client("", "bomber");
    await c.outcome;
    c.ws.send("bomb");
    expect((await c.closed).code).toBe(1011);
    const error = await control.record((r) => r.kind === "error" && (r.code === "MEMORY_LIMIT" || r.code === "HANDLER_TIMEOUT"), ms);
    expect(error.kind === "error" && error.code).toBe("MEMORY_LIMIT");
    await bystander_serves(neighbour);
    await restarted_and_serving(control, "ok", ms);
    await roomy.close();
  }, 40_000);
});

describe("the control channel and caps", () => {
  it("refuses a foreign Origin on the control socket and on the session API", async () => {
    const control = await pg.session();
    const url = control.ws.url;
    const foreign = new WebSocket(url, { origin: "http://evil.example" });
    const outcome = await new Promise<string>((resolve) => {
      foreign.on("unexpected-response", (_req, res) => resolve(`http ${res.statusCode}`));
      foreign.on("open", () => resolve("open"));
    });
    expect(outcome).toBe("http 403");
    const response = await fetch(`${pg.origin}/api/sessions`, { method: "POST", headers: { Origin: "http://evil.example" } });
    expect(response.status).toBe(403);
    control.close();
  });

  it("answers a bad control message with an error and changes nothing", async () => {
    const control = await pg.session();
    const from = control.messages.length;
    control.send("{not json");
    control.send({ type: "run", code: 42 });
    control.send({ type: "launch" });
    await control.next((m): m is never => m.type === "error" && control.messages.slice(from).filter((x) => x.type === "error").length === 3, from);
    const errors = control.messages.slice(from).filter((m) => m.type === "error").map((m) => (m as { code: string }).code);
    expect(errors).toEqual(["BAD_JSON", "BAD_MESSAGE", "BAD_MESSAGE"]);
    // Still the same session, still serving its code.
    expect((await control.run(`export class A {}`)).ok).toBe(false); // no consumer: a load error, old code kept
    control.close();
  });

  it("requires the session's token before anything else", async () => {
    const control = await pg.session();
    const other = await ControlClient.open(control.ws.url, pg.origin);
    other.send({ type: "run", code: "export {}" });
    await other.next((m): m is never => m.type === "error" && (m as { code: string }).code === "HELLO_REQUIRED");
    other.send({ type: "hello", token: "not-the-token" });
    await other.next((m): m is never => m.type === "error" && (m as { code: string }).code === "BAD_TOKEN");
    control.close();
  });

  it("caps connections per session, refusing the extra one with 403", async () => {
    const control = await pg.session();
    await control.run(`import { AsyncWebsocketConsumer } from "channels";\nexport class Open extends AsyncWebsocketConsumer {}`);
    const clients = [control.client("", "1"), control.client("", "2"), control.client("", "3")];
    expect(await Promise.all(clients.map((c) => c.outcome))).toEqual(["open", "open", "open"]);
    expect(await control.client("", "4").outcome).toBe("http 403");
    await control.record((r) => r.kind === "server" && r.event === "rejected" && (r.detail ?? "").startsWith("session full"));
    for (const c of clients) c.ws.close();
    control.close();
  });
});
