// The sandbox against learner code that goes after the runtime itself: its entry points, the errors it
// copies out, the sizes it hands on, memory the isolate's cap does not count, and builtins that run past
// the deadline. Every attack runs through the real server, and a bystander session keeps serving.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TraceRecord } from "./protocol.ts";
import { ControlClient, start_playground, type PlaygroundServer } from "./test-support.ts";

const ECHO = `import { AsyncWebsocketConsumer } from "channels";
export class Echo extends AsyncWebsocketConsumer { async receive(t) { await this.send({ text_data: "echo " + t }); } }`;

let pg: PlaygroundServer;
let bystander: ControlClient;
beforeAll(async () => {
  pg = await start_playground({ handler_timeout_ms: 500, max_connections: 3, max_sessions: 100 });
  bystander = await pg.session();
  await bystander.run(ECHO);
});
afterAll(async () => pg.close());


/** A session serving `code`, a client that sends `text`, and what the session logged as an error. */
async function provoke(code: string, text = "go"): Promise<{ control: ControlClient; close: number; error: Extract<TraceRecord, { kind: "error" }> }> {
  const control = await pg.session();
  expect((await control.run(code)).ok).toBe(true);
  const c = control.client("", "attacker");
  await c.outcome;
  c.ws.send(text);
  const { code: close } = await c.closed;
  const error = await control.record((r) => r.kind === "error", 10_000);
  return { control, close, error: error as Extract<TraceRecord, { kind: "error" }> };
}

function consumer(body: string, top = ""): string {
  return `import { AsyncWebsocketConsumer } from "channels";
${top}
export class Boom extends AsyncWebsocketConsumer {
  async receive(text) {
    ${body}
  }
}`;
}

describe("the runtime's entry points", () => {
  it("are the runtime's own even if the module replaces them at its top level", async () => {
    const control = await pg.session();
    const result = await control.run(consumer(
      `if (text === "spin") for (;;) {}
    await this.send({ text_data: "echo " + text + " " + (globalThis.__runtime === original) });`,
      `const original = globalThis.__runtime;
const forged = { flush: () => "[]\\u0000[]", suspect: () => '{"handler":"Forged.handler"}', bytes_count: () => 10000, take_bytes: () => new Uint8Array(1) };
for (const key of Object.keys(forged)) { try { original[key] = forged[key]; } catch {} }
try { Object.defineProperty(globalThis, "__runtime", { value: forged }); } catch {}
try { globalThis.__runtime = forged; } catch {}`,
    ));
    expect(result.ok).toBe(true);
    await control.serves("hi", "echo hi true");
    const c = control.client("", "spinner");
    await c.outcome;
    c.ws.send("spin");
    expect((await c.closed).code).toBe(1011);
    const error = await control.record((r) => r.kind === "error" && r.code === "HANDLER_TIMEOUT");
    expect(error.kind === "error" && error.handler).toBe("Boom.websocket_receive");
    await bystander.serves("ping", "echo ping");
    control.close();
  });
});

describe("errors thrown at the module's top level", () => {
  it.each([
    ["throw null", `throw null;`, "Uncaught: null"],
    ["throw undefined", `throw undefined;`, "Uncaught: undefined"],
    ["a thrown Proxy", `throw new Proxy({}, { get() { throw new Error("trap"); }, getPrototypeOf() { throw new Error("trap"); } });`, "Uncaught: [unprintable]"],
    ["an object whose toString throws", `throw { toString() { throw new Error("no"); } };`, "Uncaught: [unprintable]"],
    ["an error with a throwing message getter", `const e = new TypeError("x"); Object.defineProperty(e, "message", { get() { throw null; } }); throw e;`, "TypeError: "],
  ])("%s is a clean load error, and the previous version keeps serving", async (_name, line, text) => {
    const control = await pg.session();
    expect((await control.run(ECHO)).ok).toBe(true);
    const result = await control.run(`${ECHO}\n${line}`);
    expect(result.ok).toBe(false);
    expect(result.error).toBe(text);
    await control.serves("ping", "echo ping");
    await bystander.serves("ping", "echo ping");
    control.close();
  });

  it.each([
    ["a looping Error.prepareStackTrace", `Error.prepareStackTrace = () => { for (;;) {} }; throw new Error("x");`],
    ["a looping stack getter", `const e = new Error("x"); Object.defineProperty(e, "stack", { get() { for (;;) {} } }); throw e;`],
    ["a looping name getter", `const e = new Error("x"); Object.defineProperty(e, "name", { get() { for (;;) {} } }); throw e;`],
    ["a looping message getter", `const e = new Error("x"); Object.defineProperty(e, "message", { get() { for (;;) {} } }); throw e;`],
  ])("%s is stopped at the load's deadline, and the previous version keeps serving", async (_name, line) => {
    const control = await pg.session();
    expect((await control.run(ECHO)).ok).toBe(true);
    const result = await control.run(`${ECHO}\n${line}`);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/timed out/);
    await control.serves("ping", "echo ping");
    await bystander.serves("ping", "echo ping");
    control.close();
  });
});

describe("errors thrown from a handler", () => {
  it.each([
    ["a looping stack getter", `const e = new Error("x"); Object.defineProperty(e, "stack", { get() { for (;;) {} } }); throw e;`],
    ["a looping Error.prepareStackTrace", `Error.prepareStackTrace = () => { for (;;) {} }; throw new Error("x");`],
  ])("%s stops the handler at its deadline, naming it", async (_name, body) => {
    const { control, close, error } = await provoke(consumer(`if (text === "go") { ${body} } await this.send({ text_data: "ok" });`));
    expect(close).toBe(1011);
    expect(error.code).toBe("HANDLER_TIMEOUT");
    expect(error.handler).toBe("Boom.websocket_receive");
    await control.record((r) => r.kind === "lifecycle" && r.event === "restarted");
    await control.serves("again", "ok");
    await bystander.serves("ping", "echo ping");
    control.close();
  });

  it("logs a timer's error whose name getter throws an error with a looping stack, and keeps serving", async () => {
    const { control, error } = await provoke(consumer(`if (text === "go") {
      const inner = new Error("inner"); Object.defineProperty(inner, "stack", { get() { for (;;) {} } });
      const e = new Error("x"); Object.defineProperty(e, "name", { get() { throw inner; } });
      setTimeout(() => { throw e; }, 0);
      return this.close();
    }
    await this.send({ text_data: "ok" });`));
    expect(error.code).toBe("TIMER_CALLBACK_ERROR");
    expect(error.message).toBe("Error: x");
    await control.serves("again", "ok");
    expect(control.records.some((r) => r.kind === "lifecycle" && r.event === "stopped")).toBe(false);
    await bystander.serves("ping", "echo ping");
    control.close();
  });

  it("reports throw null as an app error without stopping the sandbox", async () => {
    const { control, close, error } = await provoke(consumer(`if (text === "go") throw null; await this.send({ text_data: "ok" });`));
    expect(close).toBe(1011);
    expect(error.message).toBe("Uncaught: null");
    await control.serves("again", "ok");
    expect(control.records.some((r) => r.kind === "lifecycle" && r.event === "stopped")).toBe(false);
    await bystander.serves("ping", "echo ping");
    control.close();
  });
});

describe("sizes copied out of the isolate", () => {
  it("caps a load error's message", async () => {
    const control = await pg.session();
    const result = await control.run(`${ECHO}\nthrow new Error("x".repeat(4e6));`);
    expect(result.ok).toBe(false);
    expect(result.error!.length).toBeGreaterThan(10_000);
    expect(result.error!.length).toBeLessThan(10_100);
    await bystander.serves("ping", "echo ping");
    control.close();
  });

  it("caps the messages of a timer that throws 4 MB errors", async () => {
    const control = await pg.session();
    await control.run(`${ECHO}\nlet n = 0; const t = setInterval(() => { if (++n === 3) clearInterval(t); throw new Error("y".repeat(4e6)); }, 10);`);
    await control.record((r) => r.kind === "error" && r.code === "TIMER_CALLBACK_ERROR" && control.records.filter((x) => x.kind === "error").length === 3);
    for (const r of control.records.filter((x) => x.kind === "error")) {
      expect(r.kind === "error" && r.message.length).toBeLessThan(10_100);
      expect(r.kind === "error" && (r.stack ?? "").length).toBeLessThan(40_000);
    }
    await control.serves("ping", "echo ping");
    await bystander.serves("ping", "echo ping");
    control.close();
  });

  it("keeps at most 50 frames of a deep stack", async () => {
    const { control, error } = await provoke(consumer(`Error.stackTraceLimit = Infinity;
    const r = (n) => { if (n === 0) throw new Error("deep"); return r(n - 1) + 1; };
    r(3000);`));
    expect(error.message).toBe("Error: deep");
    const frames = (error.stack ?? "").split("\n").filter((line) => line.trimStart().startsWith("at "));
    expect(frames.length).toBeGreaterThan(10);
    expect(frames.length).toBeLessThanOrEqual(50);
    await bystander.serves("ping", "echo ping");
    control.close();
  });
});

describe("memory the isolate's cap does not count", () => {
  it("offers no WebAssembly and no resizable buffers", async () => {
    const control = await pg.session();
    await control.run(consumer(`const b = new ArrayBuffer(1, { maxByteLength: 2 ** 29 });
    let grown = "refused";
    try { b.resize(2 ** 29); grown = String(b.byteLength); } catch {}
    const s = new SharedArrayBuffer(1, { maxByteLength: 2 ** 29 });
    try { s.grow(2 ** 29); grown += " " + s.byteLength; } catch {}
    await this.send({ text_data: [typeof WebAssembly, typeof globalThis.WebAssembly, b.resizable === true, grown].join(" ") });`));
    await control.serves("x", "undefined undefined false refused");
    await bystander.serves("ping", "echo ping");
    control.close();
  });

  it("stops a session that hands out more than 10,000 byte payloads in one turn", async () => {
    const { control, close, error } = await provoke(consumer(`await this.send({ text_data: "start" });
    for (let i = 0; i <= 10_000; i++) await this.send({ bytes_data: new Uint8Array([1]) });`));
    expect(close).toBe(1011);
    expect(error.code).toBe("MEMORY_LIMIT");
    await bystander.serves("ping", "echo ping");
    control.close();
  });

  it("kills a sandbox process over its resident memory cap, and the bystander keeps serving", async () => {
    // A cap low enough for 40 MB of arrays (within the isolate's 64 MB) to cross it; an idle sandbox is at about 52 MB.
    process.env.SANDBOX_PROCESS_MB = "80";
    const roomy = await start_playground({ handler_timeout_ms: 3000 });
    try {
      const neighbour = await roomy.session();
      await neighbour.run(ECHO);
      await neighbour.serves("ping", "echo ping");
      const control = await roomy.session();
      await control.run(consumer(`if (text === "hold") {
      globalThis.kept = [];
      for (let i = 0; i < 5; i++) globalThis.kept.push(new Array(1e6).fill(i + 0.5));
      await new Promise((r) => setTimeout(r, 2000));
    }
    await this.send({ text_data: "ok" });`));
      await control.serves("x", "ok");
      const c = control.client("", "hog");
      await c.outcome;
      c.ws.send("hold");
      expect((await c.closed).code).toBe(1011);
      const error = await control.record((r) => r.kind === "error" && (r.code === "MEMORY_LIMIT" || r.code === "HANDLER_TIMEOUT"), 10_000);
      expect(error.kind === "error" && error.code).toBe("MEMORY_LIMIT");
      await neighbour.serves("ping", "echo ping");
      control.close();
    } finally {
      delete process.env.SANDBOX_PROCESS_MB;
      await roomy.close();
    }
  }, 30_000);
});

describe("builtins that do not check the deadline", () => {
  it("refuses normalize of a huge string with a RangeError that says why", async () => {
    const { control, close, error } = await provoke(consumer(`"x".repeat(3e8).normalize("NFD");`));
    expect(close).toBe(1011);
    expect(error.message).toMatch(/^RangeError: String\.prototype\.normalize refuses strings over 1000000 characters/);
    expect(control.records.some((r) => r.kind === "lifecycle" && r.event === "stopped")).toBe(false);
    await bystander.serves("ping", "echo ping");
    control.close();
  });

  it("sorts a long array by default order with a comparator the deadline can stop", async () => {
    const control = await pg.session();
    await control.run(consumer(`const a = Array.from({ length: 60000 }, (_, i) => (i * 7919) % 60000);
    a.sort();
    await this.send({ text_data: a.slice(0, 4).join(",") + " " + [10, 9, 1].sort().join(",") });`));
    await control.serves("x", "0,1,10,100 1,10,9");
    control.close();
  });

  it("reports a builtin that runs on past the deadline as a timeout once the heartbeat gives up", async () => {
    const { control, close, error } = await provoke(consumer(`const a = Array(2 ** 32 - 1); a[2 ** 32 - 2] = 1; a.indexOf(2);`));
    expect(close).toBe(1011);
    expect(error.code).toBe("HANDLER_TIMEOUT");
    await control.record((r) => r.kind === "lifecycle" && r.event === "restarted", 10_000);
    await bystander.serves("ping", "echo ping");
    control.close();
  }, 30_000);
});
