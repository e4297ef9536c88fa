// Attacks written as learner code: each is sent with Run on its own attacker session's control socket.
import { WebSocket } from "ws";
import { Control, ECHO, test_client, within, type Attack, type Session } from "./clients.ts";
import { sleep } from "./server.ts";

const cut = (s: unknown, n = 90) => String(s).replace(/\s+/g, " ").slice(0, n);

/** A Run's outcome in a few words: ok, or the error's code/first words. */
function ran(result: Record<string, unknown> | undefined, ms: number): string {
  if (!result) return `no run_result in ${(ms / 1000).toFixed(1)} s`;
  if (result.ok) return `run ok (${ms.toFixed(0)} ms)`;
  const diagnostic = (result.diagnostics as Array<{ message: string }> | undefined)?.[0]?.message;
  return `run failed (${ms.toFixed(0)} ms): ${cut(result.error ?? diagnostic, 70)}`;
}

/** Whether the session serves its code to a new client after the attack: the sandbox came back. */
async function serves_again(session: Session): Promise<string> {
  const end = Date.now() + 6000;
  while (Date.now() < end) {
    const c = test_client(`${session.ws_base}?_client=again`);
    if ((await within(c.outcome, 3000, "timeout")) === "open") {
      c.ws.send("hi");
      const reply = await c.next(2000);
      c.ws.terminate();
      if (reply === "echo hi") return "session serves again";
    } else c.ws.terminate();
    await sleep(300);
  }
  return "session NOT serving again in 6 s";
}

/** Loads `code` at module level; the Run's result and the trace say how it went. */
function at_load(name: string, sent: string, code: string | (() => string)): Attack {
  return {
    name, sent, budget_ms: 20_000,
    async run(ctx) {
      const s = await ctx.session();
      const from = s.control.records.length;
      const { result, ms } = await s.control.run(typeof code === "string" ? code : code());
      await sleep(300);
      const after = await s.control.run(ECHO);
      return `${ran(result, ms)}; trace: ${s.control.seen(from) || "-"}; next Run: ${ran(after.result, after.ms)}`;
    },
  };
}

const consumer = (body: string) => `import { AsyncWebsocketConsumer } from "channels";
export class Attack extends AsyncWebsocketConsumer {
  async connect() { await this.accept(); }
  async receive(text_data?: string) {
    if (text_data === "go") { ${body} }
    await this.send({ text_data: "echo " + text_data });
  }
}`;

/** Runs `body` in a handler on "go"; reports how the client's connection ended and whether the session recovers. */
function in_handler(name: string, sent: string, body: string): Attack {
  return {
    name, sent, budget_ms: 25_000,
    async run(ctx) {
      const s = await ctx.session();
      const { result, ms } = await s.control.run(consumer(body));
      if (!result?.ok) return ran(result, ms);
      const from = s.control.records.length;
      const c = test_client(`${s.ws_base}?_client=attacker`);
      ctx.later(() => c.ws.terminate());
      if ((await within(c.outcome, 5000, "timeout")) !== "open") return `client could not connect: ${await c.outcome}`;
      const t0 = performance.now();
      c.ws.send("go");
      const code = await within(c.closed, 12_000, -1);
      const closed = code === -1 ? "client still open after 12 s" : `client closed ${code} after ${((performance.now() - t0) / 1000).toFixed(1)} s`;
      await sleep(300);
      return `${closed}; trace: ${s.control.seen(from) || "-"}; ${await serves_again(s)}`;
    },
  };
}

const replaced_runtime: Attack = {
  name: "runtime entry points replaced",
  sent: "__runtime.flush/suspect replaced at top level + consumer; a client connects and sends",
  budget_ms: 20_000,
  async run(ctx) {
    const s = await ctx.session();
    const code = String.raw`import { AsyncWebsocketConsumer } from "channels";
(globalThis as any).__runtime.flush = () => "[]\u0000[{\"op\":\"send\",\"cid\":\"c1\",\"message\":{\"type\":\"websocket.send\",\"bytes\":null}}]";
(globalThis as any).__runtime.suspect = () => "{\"handler\":{}}";
export class Echo extends AsyncWebsocketConsumer {
  async connect() { await this.accept(); }
  async receive(text_data?: string) { await this.send({ text_data }); }
}`;
    const { result, ms } = await s.control.run(code);
    const from = s.control.records.length;
    const c = test_client(`${s.ws_base}?_client=victim`);
    ctx.later(() => c.ws.terminate());
    const outcome = await within(c.outcome, 6000, "timeout");
    if (outcome === "open") c.ws.send("hi");
    const code_seen = await within(c.closed, 4000, -1);
    await sleep(300);
    return `${ran(result, ms)}; client ${outcome}, ${code_seen === -1 ? "still open" : `closed ${code_seen}`}, got ${c.messages.length} msgs ${cut(JSON.stringify(c.messages.slice(0, 2)), 40)}; trace: ${s.control.seen(from) || "-"}`;
  },
};

const loud_errors: Attack = {
  name: "4 MB errors every 50 ms + hello since 0",
  sent: "setInterval throwing Error(4 MiB message) every 50 ms for 3 s; a second viewer says hello since 0 after 1 s",
  budget_ms: 20_000,
  async run(ctx) {
    const s = await ctx.session();
    const from = s.control.records.length;
    const { result, ms } = await s.control.run(`import { AsyncWebsocketConsumer } from "channels";
const big = "x".repeat(4 * 1024 * 1024);
let n = 0;
const id = setInterval(() => { if (++n > 60) { clearInterval(id); return; } throw new Error(big + n); }, 50);
export class Echo extends AsyncWebsocketConsumer { async receive(t?: string) { await this.send({ text_data: "echo " + t }); } }`);
    await sleep(1000);
    const t0 = performance.now();
    const viewer = await Control.open(s.control_url, ctx.server.origin);
    ctx.later(() => viewer.close());
    viewer.send({ type: "hello", token: s.token, since: 0 });
    const welcome = await viewer.next("welcome", 0, 5000);
    const welcome_ms = performance.now() - t0;
    await sleep(2500);
    const errors = s.control.records.slice(from).filter((r) => r.kind === "error");
    const longest = Math.max(0, ...errors.map((r) => String(r.message ?? "").length));
    return `${ran(result, ms)}; ${errors.length} error records, longest message ${longest} chars, first viewer got ${(s.control.bytes / 2 ** 20).toFixed(1)} MiB; ` +
      `second viewer: ${welcome ? `welcome in ${welcome_ms.toFixed(0)} ms` : `no welcome (closed ${viewer.closed})`}, ${(viewer.bytes / 2 ** 20).toFixed(1)} MiB, ${viewer.records.length} records`;
  },
};

const flood_paused: Attack = {
  name: "1 MiB / 50 ms to a client that stops reading",
  sent: "consumer sends 1 MiB every 50 ms from a timer (100 times); the client pauses its socket for 5 s",
  budget_ms: 20_000,
  async run(ctx) {
    const s = await ctx.session();
    const { result, ms } = await s.control.run(`import { AsyncWebsocketConsumer } from "channels";
const chunk = "x".repeat(1024 * 1024);
export class Flood extends AsyncWebsocketConsumer {
  async connect() {
    await this.accept();
    let n = 0;
    const id = setInterval(() => { if (++n > 100) clearInterval(id); else void this.send({ text_data: chunk }); }, 50);
  }
}`);
    if (!result?.ok) return ran(result, ms);
    const from = s.control.records.length;
    const c = test_client(`${s.ws_base}?_client=sleeper`);
    ctx.later(() => c.ws.terminate());
    if ((await within(c.outcome, 5000, "timeout")) !== "open") return `client could not connect: ${await c.outcome}`;
    (c.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await sleep(5000);
    const open_after_5s = c.ws.readyState === WebSocket.OPEN;
    (c.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const code = await within(c.closed, 3000, -1);
    return `client ${open_after_5s ? "still open" : "gone"} after 5 s paused; on resume it read ${c.messages.length} MiB, ` +
      `${code === -1 ? "still open" : `close ${code}`}; trace: ${s.control.seen(from) || "-"}`;
  },
};

const long_stack = String.raw`const lines = ["Error: a million frames"];
for (let i = 0; i < 1_000_000; i++) lines.push("    at f (consumer.js:1:1)");
const e = new Error("a million frames");
e.stack = lines.join("\n");
throw e;`;

export const LEARNER_ATTACKS: Attack[] = [
  replaced_runtime,
  at_load("throw null at load", "`throw null` at module top level", "throw null;"),
  at_load("stack getter loops", "an Error whose `stack` getter is for(;;){}, thrown at load",
    `const e = new Error("loop"); Object.defineProperty(e, "stack", { get() { for (;;) {} } }); throw e;`),
  at_load("prepareStackTrace loops", "Error.prepareStackTrace = () => { for(;;){} }, then throw at load",
    `(Error as any).prepareStackTrace = () => { for (;;) {} }; throw new Error("x");`),
  loud_errors,
  at_load("1,000,000-frame stack", "an Error with a 1,000,000-line fake stack thrown at load", long_stack),
  in_handler("8 WebAssembly.Memory x 64 MiB", "eight WebAssembly.Memory({ initial: 1024 }) filled, in a handler",
    `const keep: any[] = []; for (let i = 0; i < 8; i++) { const m = new WebAssembly.Memory({ initial: 1024 }); new Uint8Array(m.buffer).fill(1); keep.push(m); } (globalThis as any).keep = keep;`),
  in_handler("resizable ArrayBuffer to 512 MB", "new ArrayBuffer(1, { maxByteLength: 2**29 }) resized to 2**29 and filled, in a handler",
    `const b = new (ArrayBuffer as any)(1, { maxByteLength: 2 ** 29 }); b.resize(2 ** 29); new Uint8Array(b).fill(1); (globalThis as any).keep = b;`),
  in_handler("string/array memory bomb", "an array of unique 1 KB strings grown without end, in a handler",
    `const a: string[] = []; for (;;) a.push("x".repeat(1000) + a.length);`),
  in_handler("normalize 2e7 chars NFD", `"x".repeat(2e7).normalize("NFD") in a handler`,
    `(globalThis as any).keep = "x".repeat(2e7).normalize("NFD");`),
  in_handler("while (true) in a handler", "while (true) {} in receive", `while (true) {}`),
  flood_paused,
];
