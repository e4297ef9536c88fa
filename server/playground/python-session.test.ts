// A Python session through the real server: the control socket here plays the learner's tab, running the
// same runtime the browser's worker runs (python/runner.ts on Pyodide), and real websocket clients connect.
import { readFileSync } from "node:fs";
import type { PyodideInterface } from "pyodide";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { python_with_packages } from "../../python/node-support.ts";
import { start_runner, type Runner } from "../../python/runner.ts";
import type { ServerMessage } from "./protocol.ts";
import { ControlClient, start_playground, type PlaygroundServer } from "./test-support.ts";

const example = (name: string) => readFileSync(new URL(`../../python/examples/${name}.py`, import.meta.url), "utf8");

let pg: PlaygroundServer;
let py: PyodideInterface;
beforeAll(async () => {
  [pg, py] = await Promise.all([start_playground({ handler_timeout_ms: 1000, handshake_timeout_s: 2 }), python_with_packages()]);
}, 60_000);
afterAll(async () => pg.close());

/** Makes `control` the session's tab: it loads the modules the server sends and runs their connections. */
function become_tab(control: ControlClient): { runner: Runner; loads: number } {
  let version = 0;
  const state = { loads: 0, runner: null as unknown as Runner };
  state.runner = start_runner(
    py,
    (ops) => control.send({ type: "py_ops", version, ops }),
    (stop) => control.send({ type: "py_stopped", version, ...stop }),
  );
  control.ws.on("message", (data) => {
    const message = JSON.parse(String(data)) as ServerMessage;
    if (message.type === "py_load") {
      state.loads++;
      const result = state.runner.load(message.code);
      if (result.ok) version = message.version;
      control.send({ type: "py_loaded", version: message.version, ...result });
    } else if (message.type === "py_events") {
      state.runner.dispatch(message.events);
    }
  });
  return state;
}

const opened: Array<{ control: ControlClient; runner: Runner }> = [];
afterEach(() => {
  for (const { control, runner } of opened.splice(0)) {
    runner.close();
    control.close();
  }
});

/** A new session whose control socket is also its tab; both end after the test. */
async function python_session(): Promise<{ control: ControlClient; tab: ReturnType<typeof become_tab> }> {
  const control = await pg.session();
  const tab = become_tab(control);
  opened.push({ control, runner: tab.runner });
  return { control, tab };
}

async function run_python(control: ControlClient, code: string) {
  const from = control.messages.length;
  control.send({ type: "run", code, language: "python" });
  return control.next((m): m is Extract<ServerMessage, { type: "run_result" }> => m.type === "run_result", from, 10_000);
}

describe("a Python session", () => {
  it("serves the seed as written: handler and print records, and the handshake the server drops", async () => {
    const { control } = await python_session();
    expect(await run_python(control, example("seed"))).toMatchObject({ ok: true, diagnostics: [] });
    await control.record((r) => r.kind === "lifecycle" && r.event === "applied" && r.detail === "app: MySyncConsumer.as_asgi() at /");
    const c = control.client("", "alice");
    await control.record((r) => r.kind === "handler" && r.name === "websocket_connect" && r.conn?.label === "alice" && r.duration_ms !== undefined);
    await control.record((r) => r.kind === "console" && r.text === "WebSocket Connect..." && r.conn?.label === "alice");
    expect(await c.outcome).not.toBe("open");
    await control.record((r) => r.kind === "server" && r.event === "handshake_timeout", 5000);
  });

  it("runs the chat example: two clients in one room both get a message", async () => {
    const { control } = await python_session();
    expect(await run_python(control, example("chat"))).toMatchObject({ ok: true });
    const alice = control.client("ws/chat/lobby/", "alice");
    const bob = control.client("ws/chat/lobby/", "bob");
    expect([await alice.outcome, await bob.outcome]).toEqual(["open", "open"]);
    alice.ws.send("hello room");
    expect(await alice.next()).toBe("hello room");
    expect(await bob.next()).toBe("hello room");
    await control.record((r) => r.kind === "layer" && r.op === "group_send" && r.members === 2);
    alice.ws.close();
    bob.ws.close();
  });

  it("echoes bytes, reports load errors with their line and keeps the old version serving", async () => {
    const { control } = await python_session();
    const served = await run_python(control, example("echo"));
    const broken = await run_python(control, "from channels.consumer import SyncConsumer\n\nclass X(SyncConsumer:\n    pass\n");
    expect(broken).toMatchObject({ ok: false, version: served.version, diagnostics: [{ line: 3, severity: "error" }] });
    const c = control.client("", "alice");
    expect(await c.outcome).toBe("open");
    c.ws.send(Buffer.from([0, 1, 255]));
    expect(await c.next()).toEqual(Buffer.from([0, 1, 255]));
    c.ws.close();
  });

  it("closes the tab's connections when the tab goes, and refuses new ones until a tab is back", async () => {
    const { control, tab } = await python_session();
    await run_python(control, example("echo"));
    const c = control.client("", "alice");
    expect(await c.outcome).toBe("open");
    tab.runner.close();
    control.close();
    expect(await c.closed).toMatchObject({ code: 1011 });
    const refused = control.client("", "bob");
    expect(await refused.outcome).not.toBe("open");
    // The tab is back (a reload): the server has it load the session's module again, and serves.
    const session = pg.playground.manager.get(control.id)!;
    const again = await ControlClient.open(`${pg.origin.replace("http", "ws")}/api/sessions/${control.id}/control/`, pg.origin);
    const back = become_tab(again);
    opened.push({ control: again, runner: back.runner });
    await again.hello(session.token);
    again.ws_base = control.ws_base;
    await again.record((r) => r.kind === "server" && r.event === "app_error" && r.detail === "the Python app stopped: the browser tab running the Python app disconnected");
    await again.record((r) => r.kind === "server" && r.event === "rejected" && r.conn?.label === "bob" && /runs in the playground's tab/.test(r.detail ?? ""));
    await again.record((r) => r.kind === "lifecycle" && r.event === "restarted");
    expect(back.loads).toBe(1);
    const carol = again.client("", "carol");
    expect(await carol.outcome).toBe("open");
    carol.ws.close();
  });

  it("drops ops that do not match the schema, and ops for another version", async () => {
    const { control } = await python_session();
    const { version } = await run_python(control, example("echo"));
    const from = control.messages.length;
    control.send({ type: "py_ops", version, ops: [{ op: "send", cid: 7 }] });
    const bad = await control.record((r) => r.kind === "error" && r.code === "BAD_OP");
    expect(bad.kind === "error" && bad.message).toMatch(/1 malformed op, dropped: cid: /);
    control.send({ type: "py_ops", version: 0, ops: [] });
    const error = await control.next((m): m is Extract<ServerMessage, { type: "error" }> => m.type === "error", from);
    expect(error.code).toBe("BAD_MESSAGE");
    control.send({ type: "py_ops", version: version + 100, ops: [{ op: "trace", entry: { kind: "console", level: "log", text: "forged" } }] });
    const c = control.client("", "alice");
    expect(await c.outcome).toBe("open");
    expect(control.records.some((r) => r.kind === "console" && r.text === "forged")).toBe(false);
    c.ws.close();
  });
});

describe("switching languages", () => {
  it("serves TypeScript again after Python, and drops what the tab still says about its old app", async () => {
    const { control } = await python_session();
    const { version } = await run_python(control, example("echo"));
    const back = await control.run(readFileSync(new URL("../examples/echo.ts", import.meta.url), "utf8"));
    expect(back.ok).toBe(true);
    const session = pg.playground.manager.get(control.id)!;
    expect(session.language).toBe("typescript");
    const seq = session.trace.records().at(-1)!.seq;
    control.send({ type: "py_ops", version, ops: [{ op: "trace", entry: { kind: "console", level: "log", text: "stale" } }] });
    control.send({ type: "py_stopped", version, reason: "crashed", detail: "stale", suspect: {} });
    const c = control.client("", "alice");
    expect(await c.outcome).toBe("open");
    c.ws.send("hi");
    expect(await c.next()).toBe("hi");
    c.ws.close();
    expect(session.trace.records().filter((r) => r.seq > seq && (r.kind === "console" || r.kind === "lifecycle" && r.event === "stopped"))).toEqual([]);
  });
});
