// The control socket and the session API against forged, oversized and abusive input, through real sockets.
// Each test also checks that the server still serves: a client of the same or another session gets its echo.
import { afterEach, expect, it } from "vitest";
import { until } from "../protocol/test-support.ts";
import { parse_ops } from "./app-ops.ts";
import { CONTROL_CLOSE, type ServerMessage } from "./protocol.ts";
import type { Session } from "./session.ts";
import { ControlClient, start_playground, type PlaygroundServer } from "./test-support.ts";

let pg: PlaygroundServer;
afterEach(async () => pg?.close());

const ECHO = `import { AsyncWebsocketConsumer } from "channels";
export class Echo extends AsyncWebsocketConsumer {
  async connect() { await this.accept(); }
  async receive(text_data?: string) { await this.send({ text_data }); }
}`;

const is_error = (m: ServerMessage): m is Extract<ServerMessage, { type: "error" }> => m.type === "error";

const deep_json = (levels: number): string => `${"[".repeat(levels)}1${"]".repeat(levels)}`;

/** A new playground with one session serving the echo consumer. */
async function echo_session(): Promise<ControlClient> {
  pg = await start_playground();
  const control = await pg.session();
  await control.run(ECHO);
  return control;
}

const session_of = (control: ControlClient): Session => pg.playground.manager.get(control.id)!;

it("answers every malformed control message with an error and acts on none", async () => {
  const control = await echo_session();
  const bad: unknown[] = [
    "not json", "[]", "null", 5, { type: "run" }, { type: "run", code: 5 }, { type: "run", code: null },
    { type: "run", code: "x".repeat(200_001) }, { type: "run", code: "", language: "cobol" },
    { type: "hello", token: null }, { type: "ping", id: "x" }, { type: "py_ops", version: "1", ops: [] },
    { type: "py_loaded", version: 1, ok: "yes" },
    { type: "py_stopped", version: 1, reason: "timeout", detail: "d", suspect: { handler: { toString: 1 } } },
  ];
  // JSON.stringify recurses, so the deep ones are written out by hand.
  bad.push(`{"type":"py_ops","version":1,"ops":${deep_json(100_000)}}`, `{"type":"nope","nested":${deep_json(200_000)}}`);
  const from = control.messages.length;
  for (const message of bad) control.send(typeof message === "string" ? message : JSON.stringify(message));
  await until(() => control.messages.slice(from).filter(is_error).length === bad.length, 5000);
  const codes = new Set(control.messages.slice(from).filter(is_error).map((m) => m.code));
  expect([...codes].sort()).toEqual(["BAD_JSON", "BAD_MESSAGE"]);
  expect(pg.logs.filter((l) => /TypeError|RangeError/.test(l))).toEqual([]);
  await control.serves("still here");
});

it("ignores the tab's messages on a TypeScript session: a forged py_ops trace 100,000 deep changes nothing", async () => {
  const control = await echo_session();
  const session = session_of(control);
  const seq = session.trace.records().length;
  const ops = [{ op: "trace", entry: { kind: "receive", message: "DEEP" } }, { op: "trace", entry: { kind: "console", level: "log", text: "forged" } }];
  control.send(JSON.stringify({ type: "py_ops", version: session.version, ops }).replace('"DEEP"', deep_json(25)));
  control.send({ type: "py_stopped", version: session.version, reason: "crashed", detail: "forged", suspect: {} });
  control.send({ type: "py_loaded", version: session.version + 1, ok: true });
  await control.serves("still here");
  expect(session.trace.records().slice(seq).some((r) => r.kind === "console" || (r.kind === "lifecycle" && r.event === "stopped"))).toBe(false);
});

it("drops malformed sandbox ops with one log record and closes the connection they name with 1011", async () => {
  const control = await echo_session();
  const session = session_of(control);
  // What a runtime whose entry points were replaced could hand the server (the ops the attack used).
  const forged = [
    { op: "send", cid: "CID", message: { type: "websocket.send", bytes: null } },
    { op: "send", cid: "CID", message: { type: "websocket.accept", headers: [5] } },
    { op: "end", cid: "CID", error: { name: "E", message: "m", stack: 5 } },
    { op: "send", cid: "CID", message: { type: "websocket.send", bytes: { $b: 99 } } },
    { op: "send", cid: "CID", message: { type: "websocket.close", code: 7 } },
    { op: "trace", entry: { kind: "receive", message: "DEEP" } },
  ];
  // As the sandbox process's messages reach the session: parsed, then applied.
  const relay = (session as unknown as { relay: { apply(o: unknown, b: Uint8Array[], v: number): void } }).relay;
  const inject = (ops: unknown[]) => relay.apply(parse_ops(ops), [], session.version);
  for (const [i, op] of forged.entries()) {
    const victim = control.client("", `victim ${i}`);
    expect(await victim.outcome).toBe("open");
    await until(() => session.connection_count === 1);
    const cid = (await control.record((r) => r.kind === "connect" && r.conn?.label === `victim ${i}`)).conn!.id;
    inject([JSON.parse(JSON.stringify(op).replace("CID", cid).replace('"DEEP"', deep_json(100_000)))]);
    if (op.op === "trace") victim.ws.close();
    else expect((await victim.closed).code, JSON.stringify(op).slice(0, 80)).toBe(1011);
    await until(() => session.connection_count === 0);
  }
  const records = await until(() => session.trace.records().filter((r) => r.kind === "error" && r.code === "BAD_OP").length >= forged.length - 1).then(() =>
    session.trace.records().filter((r) => r.kind === "error" && r.code === "BAD_OP"));
  expect(records.length).toBeGreaterThanOrEqual(forged.length - 1);
  expect(pg.logs.filter((l) => l.includes("(BAD_OP)")).length).toBe(records.length);
  await control.serves("still here");
});

it("takes one hello per socket, keeps a few viewers per session, and compares tokens of any characters", async () => {
  const control = await echo_session();
  const session = session_of(control);
  const token = session.token;
  // 2,000 hellos on one socket: one welcome (with the code), one sink, and short errors for the rest.
  const from = control.messages.length;
  for (let i = 0; i < 2000; i++) control.send({ type: "hello", token, since: 0 });
  await until(() => control.messages.slice(from).filter(is_error).length === 2000, 10_000);
  expect(control.messages.slice(from).filter((m) => m.type === "welcome")).toEqual([]);
  expect(session.viewer_count).toBe(1);
  // A token of the right length in multibyte characters is a plain refusal.
  const url = control.ws.url;
  const forged = await ControlClient.open(url, pg.origin);
  forged.send({ type: "hello", token: "é".repeat(token.length) });
  const closed = await new Promise<number>((resolve) => forged.ws.on("close", resolve));
  expect(closed).toBe(CONTROL_CLOSE.BAD_TOKEN);
  // Viewers past the cap: the oldest makes room.
  const extra: ControlClient[] = [];
  for (let i = 0; i < 5; i++) {
    const viewer = await ControlClient.open(url, pg.origin);
    await viewer.hello(token);
    extra.push(viewer);
  }
  expect(session.viewer_count).toBe(4);
  await until(() => control.ws.readyState === control.ws.CLOSED);
  const newest = extra.at(-1)!;
  newest.ws_base = control.ws_base;
  await newest.serves("still here");
});

it("answers a hello for an unknown session with 4404 and logs no error", async () => {
  pg = await start_playground();
  const control = await ControlClient.open(`${pg.origin.replace("http", "ws")}/api/sessions/NoSuchSession123/control/`, pg.origin);
  control.send({ type: "hello", token: "x" });
  control.send({ type: "run", code: "" });
  const code = await new Promise<number>((resolve) => control.ws.on("close", resolve));
  expect(code).toBe(CONTROL_CLOSE.UNKNOWN_SESSION);
  expect(pg.logs.filter((l) => /Error/.test(l))).toEqual([]);
});

it("creates sessions only for the playground's own origin, or with the API token", async () => {
  pg = await start_playground({ api_token: "s3cret" });
  const post = (headers: Record<string, string>) => fetch(`${pg.origin}/api/sessions`, { method: "POST", headers });
  const none = await post({});
  expect(none.status).toBe(403);
  expect(((await none.json()) as { code: string }).code).toBe("ORIGIN_REQUIRED");
  expect((await post({ Origin: "http://evil.example" })).status).toBe(403);
  expect((await post({ Authorization: "Bearer wrong" })).status).toBe(403);
  expect((await post({ Authorization: "Bearer s3crét" })).status).toBe(403);
  expect((await post({ Authorization: "Bearer s3cret" })).status).toBe(201);
  expect((await post({ Origin: pg.origin })).status).toBe(201);
});

it("reaps a session whose control socket stays open but says nothing but pings", async () => {
  pg = await start_playground({ idle_timeout_s: 0.3 });
  const control = await pg.session();
  const closed = new Promise<number>((resolve) => control.ws.on("close", resolve));
  const pinger = setInterval(() => control.send({ type: "ping" }), 50);
  try {
    await new Promise((r) => setTimeout(r, 500));
    pg.playground.manager.reap();
    expect(await closed).toBe(CONTROL_CLOSE.EXPIRED);
    expect(pg.playground.manager.get(control.id)).toBeUndefined();
  } finally {
    clearInterval(pinger);
  }
  // A session with a test client connected is not idle, whatever its viewers do.
  const busy = await pg.session();
  await busy.run(ECHO);
  const c = busy.client();
  expect(await c.outcome).toBe("open");
  await new Promise((r) => setTimeout(r, 500));
  pg.playground.manager.reap();
  expect(pg.playground.manager.get(busy.id)).toBeDefined();
  c.ws.send("hi");
  expect(await c.next()).toBe("hi");
  c.ws.close();
});

it("keeps serving everyone while a viewer stops reading a chatty session's trace", async () => {
  pg = await start_playground();
  const bystander = await pg.session();
  await bystander.run(ECHO);
  const control = await pg.session();
  await control.run(`import { AsyncWebsocketConsumer } from "channels";
export class Chatty extends AsyncWebsocketConsumer {
  async connect() { await this.accept(); setInterval(() => { for (let i = 0; i < 200; i++) console.log("x".repeat(10_000)); }, 20); }
}`);
  const session = session_of(control);
  const chatty = control.client();
  expect(await chatty.outcome).toBe("open");
  (control.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 200));
    expect(session.trace.bytes.sinks).toBeLessThanOrEqual(1024 * 1024 + 20_000);
    await bystander.serves("still here");
  }
  chatty.ws.terminate();
  control.ws.terminate();
});

it("replays a trace of 4 MB errors to a second viewer in frames under the message limit", async () => {
  pg = await start_playground();
  const control = await pg.session();
  await control.run(`${ECHO}
const big = "x".repeat(4 * 1024 * 1024);
let n = 0;
const id = setInterval(() => { if (++n > 20) clearInterval(id); throw new Error(big + n); }, 20);`);
  await control.record((r) => r.kind === "error" && r.message.endsWith("characters)") && control.records.filter((x) => x.kind === "error").length >= 20, 10_000);
  const second = await ControlClient.open(control.ws.url, pg.origin);
  const sizes: number[] = [];
  second.ws.on("message", (data: Buffer) => sizes.push(data.length));
  second.send({ type: "hello", token: session_of(control).token, since: 0 });
  await second.record((r) => r.kind === "error" && r.message.includes("x".repeat(100)));
  expect(Math.max(...sizes)).toBeLessThan(1024 * 1024);
  for (const r of second.records) if (r.kind === "error") expect(r.message.length).toBeLessThanOrEqual(10_000);
  second.ws_base = control.ws_base;
  await second.serves("still here");
});
