import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { start_playground, type PlaygroundServer } from "./test-support.ts";

let pg: PlaygroundServer;
beforeAll(async () => { pg = await start_playground({ handler_timeout_ms: 1000 }); });
afterAll(async () => pg.close());

const ECHO = `import { AsyncWebsocketConsumer } from "channels";
export class Echo extends AsyncWebsocketConsumer {
  async receive(text_data, bytes_data) {
    if (text_data !== undefined) await this.send({ text_data: text_data.toUpperCase() });
    else await this.send({ bytes_data });
  }
}`;

describe("a playground session", () => {
  it("traces the seed consumer, record by record, for connect -> receive -> disconnect", async () => {
    const control = await pg.session(); // new sessions start with the seed consumer
    await control.record((r) => r.kind === "lifecycle" && r.event === "applied");
    const opened_at = control.records.length;
    const c = control.client("", "alice");
    // The seed never accepts, so the client waits in the handshake; drop it once the app has seen the connect.
    await control.record((r) => r.kind === "console" && r.text.startsWith("WebSocket Connect..."));
    c.ws.terminate();
    await control.record((r) => r.kind === "console" && r.text.startsWith("Websocket Disconnect.."));
    const rows = control.records.slice(opened_at).map((r) => {
      if (r.kind === "handler") return `${r.kind} ${r.consumer}.${r.name}`;
      if (r.kind === "receive") return `receive ${(r.message as { type: string }).type}${(r.message as { code?: number }).code ? ` ${(r.message as { code?: number }).code}` : ""}`;
      if (r.kind === "console") return `console ${r.text.split(" ")[0]}`;
      if (r.kind === "server") return `server ${r.event}`;
      return r.kind;
    });
    expect(rows).toEqual([
      "connect",
      "receive websocket.connect",
      "handler MySyncConsumer.websocket_connect",
      "console WebSocket",
      "server disconnected",
      "receive websocket.disconnect 1006",
      "handler MySyncConsumer.websocket_disconnect",
      "console Websocket",
    ]);
    const records = control.records.slice(opened_at);
    expect(records.every((r) => r.conn?.label === "alice")).toBe(true);
    for (let i = 1; i < records.length; i++) {
      expect(records[i]!.seq).toBe(records[i - 1]!.seq + 1);
      expect(records[i]!.t).toBeGreaterThanOrEqual(records[i - 1]!.t);
    }
    expect(records.find((r) => r.kind === "handler")).toMatchObject({ message: { type: "websocket.connect" }, duration_ms: expect.any(Number) });
    control.close();
  });

  it("runs new code, echoes text and bytes through the sandbox, and logs sends and handlers", async () => {
    const control = await pg.session();
    expect(await control.run(ECHO)).toMatchObject({ ok: true, version: 2, diagnostics: [] });
    const c = control.client("", "bob");
    expect(await c.outcome).toBe("open");
    c.ws.send("hello");
    expect(await c.next()).toBe("HELLO");
    c.ws.send(Buffer.from([1, 2, 255]));
    expect([...(await c.next() as Buffer)]).toEqual([1, 2, 255]);
    await control.record((r) => r.kind === "send" && (r.message as { bytes?: { hex: string } }).bytes?.hex === "0102ff");
    await control.record((r) => r.kind === "handler" && r.name === "websocket_receive" && r.conn?.label === "bob");
    c.ws.close();
    control.close();
  });

  it("reports a compile error with line and column and keeps the previous code serving", async () => {
    const control = await pg.session();
    await control.run(ECHO);
    const result = await control.run(`import { AsyncWebsocketConsumer } from "channels";\nexport class X extends AsyncWebsocketConsumer {\n  async receive( {\n}`);
    expect(result.ok).toBe(false);
    expect(result.diagnostics[0]).toMatchObject({ line: 4, severity: "error" });
    const c = control.client();
    await c.outcome;
    c.ws.send("still");
    expect(await c.next()).toBe("STILL");
    c.ws.close();
    control.close();
  });

  it("keeps the previous code when the new module throws while loading, and says where", async () => {
    const control = await pg.session();
    await control.run(ECHO);
    const result = await control.run(`export class X {}\n\nthrow new Error("load boom");`);
    expect(result).toMatchObject({ ok: false, version: 2, error: "Error: load boom" });
    expect(result.diagnostics[0]).toMatchObject({ line: 3 });
    await control.record((r) => r.kind === "lifecycle" && r.event === "load_failed");
    control.close();
  });

  it("hot-reloads under open connections: they close with 1012 and new ones get the new code", async () => {
    const control = await pg.session();
    await control.run(ECHO);
    const old = control.client("", "old");
    await old.outcome;
    const result = await control.run(ECHO.replace("toUpperCase()", "split('').reverse().join('')"));
    expect(result.ok).toBe(true);
    expect((await old.closed).code).toBe(1012);
    const fresh = control.client("", "new");
    await fresh.outcome;
    fresh.ws.send("abc");
    expect(await fresh.next()).toBe("cba");
    await control.record((r) => r.kind === "server" && r.event === "restarted" && r.code === 1012);
    fresh.ws.close();
    control.close();
  });

  it("refuses a connection still in its handshake when the code is reloaded, instead of leaving it to time out", async () => {
    const control = await pg.session(); // the seed: never accepts
    const pending = control.client("", "pending");
    await control.record((r) => r.kind === "handler" && r.name === "websocket_connect" && r.conn?.label === "pending");
    await control.run(ECHO);
    expect(await pending.outcome).toBe("http 403");
    await control.record((r) => r.kind === "server" && r.event === "rejected" && (r.detail ?? "").includes("code reloaded"));
    control.close();
  });

  it("serves groups across test clients: the chat example broadcasts to everyone in the room", async () => {
    const control = await pg.session();
    const chat = (await import("node:fs")).readFileSync(new URL("../examples/chat.ts", import.meta.url), "utf8");
    expect((await control.run(chat)).ok).toBe(true);
    const [a, b, other] = [control.client("ws/chat/lobby/", "a"), control.client("ws/chat/lobby/", "b"), control.client("ws/chat/other/", "c")];
    await Promise.all([a.outcome, b.outcome, other.outcome]);
    await new Promise((r) => setTimeout(r, 50));
    a.ws.send("hi all");
    expect(await a.next()).toBe("hi all");
    expect(await b.next()).toBe("hi all");
    await new Promise((r) => setTimeout(r, 100));
    expect(other.messages).toEqual([]);
    await control.record((r) => r.kind === "layer" && r.op === "group_send" && r.group === "chat_lobby" && r.members === 2);
    await control.record((r) => r.kind === "layer" && r.op === "deliver");
    for (const c of [a, b, other]) c.ws.close();
    control.close();
  });

  it("gives the app's errors to the log with the learner's line, and the server closes with 1011", async () => {
    const control = await pg.session();
    await control.run(`import { WebsocketConsumer } from "channels";\nexport class Boom extends WebsocketConsumer {\n  receive() {\n    throw new Error("kaput");\n  }\n}`);
    const c = control.client();
    await c.outcome;
    c.ws.send("x");
    expect((await c.closed).code).toBe(1011);
    const error = await control.record((r) => r.kind === "error" && r.message === "Error: kaput");
    expect(error.kind === "error" && error.stack).toMatch(/consumer\.ts:4:\d+/);
    control.close();
  });

  it("explains a group message with no handler", async () => {
    const control = await pg.session();
    await control.run(`import { AsyncWebsocketConsumer } from "channels";
export class Lost extends AsyncWebsocketConsumer {
  async connect() { await this.accept(); await this.channel_layer.send(this.channel_name, { type: "chat.message" }); }
}`);
    const c = control.client();
    await c.outcome;
    expect((await c.closed).code).toBe(1011);
    await control.record((r) => r.kind === "error" && r.code === "NO_HANDLER" && r.message === "ValueError: No handler for message type chat.message");
    control.close();
  });

  it("provides setTimeout, and console output attributed to its connection", async () => {
    const control = await pg.session();
    await control.run(`import { AsyncWebsocketConsumer } from "channels";
export class Later extends AsyncWebsocketConsumer {
  async receive(text) { await new Promise((r) => setTimeout(r, 50)); console.log("later", text); await this.send({ text_data: "done " + text }); }
}`);
    const c = control.client("", "timer");
    await c.outcome;
    const started = Date.now();
    c.ws.send("x");
    expect(await c.next()).toBe("done x");
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    await control.record((r) => r.kind === "console" && r.text === "later x" && r.conn?.label === "timer");
    c.ws.close();
    control.close();
  });
});
