// Attacks on the compiler, the control socket and the wire: input no editor, UI or well-behaved client sends.
import { client_frame, close_code, OP, RawClient } from "../../server/protocol/raw-socket.ts";
import { raw_request, upgrade_request } from "../../server/protocol/test-support.ts";
import { Control, ECHO, within, type Attack, type Context } from "./clients.ts";
import { sleep } from "./server.ts";

const first_line = (s: string) => s.split("\r\n")[0] || "(nothing)";

function result_words(result: Record<string, unknown> | undefined, ms: number): string {
  if (!result) return `no run_result in ${(ms / 1000).toFixed(1)} s`;
  if (result.ok) return `ok in ${ms.toFixed(0)} ms`;
  const d = (result.diagnostics as Array<{ message: string }> | undefined)?.[0]?.message ?? String(result.error);
  return `failed in ${ms.toFixed(0)} ms: ${d.replace(/\s+/g, " ").slice(0, 60)}`;
}

/** Waits for `check` up to `ms`; true if it held. */
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(20);
  }
  return check();
}

const deep = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;

/** An attacker session serving the exact-echo consumer (a 1 MiB message comes back as 1 MiB). */
async function echo_session(ctx: Context) {
  const s = await ctx.session();
  const { result } = await s.control.run(`import { AsyncWebsocketConsumer } from "channels";
export class Echo extends AsyncWebsocketConsumer { async receive(text_data?: string) { await this.send({ text_data }); } }`);
  if (!result?.ok) throw new Error(`echo session did not load: ${JSON.stringify(result).slice(0, 200)}`);
  return s;
}

/** A raw client on `path`, destroyed after the attack. */
function raw(ctx: Context, path: string, after?: Buffer, request?: string): RawClient {
  const r = new RawClient(ctx.server.port, path, after, request);
  ctx.later(() => r.socket.destroy());
  return r;
}

const path_of = (ws_base: string) => new URL(ws_base).pathname;

export const EDGE_ATTACKS: Attack[] = [
  {
    name: "199,000 '!' before a literal",
    sent: "Run `export const x = !!!...1;` (199,000 '!'), then a normal Run",
    budget_ms: 25_000,
    async run(ctx) {
      const s = await ctx.session();
      const bad = await s.control.run(`export const x = ${"!".repeat(199_000)}1;`);
      const good = await s.control.run(ECHO);
      return `Run ${result_words(bad.result, bad.ms)}; normal Run ${result_words(good.result, good.ms)}`;
    },
  },
  {
    name: "28,000 nested braces + a Run beside it",
    sessions: 2,
    sent: "Run of 28,000 nested block braces; at the same time a normal Run on a second session",
    budget_ms: 25_000,
    async run(ctx) {
      const [a, b] = [await ctx.session(), await ctx.session()];
      const braces = a.control.run(`${"{".repeat(28_000)}${"}".repeat(28_000)}\nexport const x = 1;`);
      await sleep(20);
      const normal = await b.control.run(ECHO);
      const bad = await braces;
      return `braces Run ${result_words(bad.result, bad.ms)}; concurrent normal Run ${result_words(normal.result, normal.ms)}`;
    },
  },
  {
    name: "8,000 hellos, never read",
    sent: "8,000 hello (with the token, since 0) on one new control socket, which then stops reading for 4 s",
    budget_ms: 20_000,
    async run(ctx) {
      const s = await ctx.session();
      const c = await Control.open(s.control_url, ctx.server.origin);
      ctx.later(() => c.close());
      const hello = JSON.stringify({ type: "hello", token: s.token, since: 0 });
      const socket = (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      socket.pause();
      for (let i = 0; i < 8000; i++) c.send(hello);
      await sleep(4000);
      socket.resume();
      await until(() => c.closed !== null, 3000);
      const kinds = new Map<string, number>();
      for (const m of c.messages) {
        const kind = m.type === "error" ? String(m.code) : m.type;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      return `read afterwards: ${[...kinds].map(([k, n]) => `${k} x${n}`).join(", ") || "nothing"}; ${c.closed === null ? "socket still open" : `closed ${c.closed}`}`;
    },
  },
  {
    name: "py_ops / control message 100,000 deep",
    sent: "py_ops on a TypeScript session with a trace entry 100,000 deep, and a ping 100,000 deep; then a plain ping",
    budget_ms: 15_000,
    async run(ctx) {
      const s = await ctx.session();
      await s.control.run(ECHO);
      const from = s.control.messages.length;
      s.control.send(`{"type":"py_ops","version":1,"ops":[{"op":"trace","entry":{"kind":"receive","message":${deep(100_000)}}}]}`);
      s.control.send(`{"type":"ping","nested":${deep(100_000)}}`);
      s.control.send({ type: "ping", id: 7 });
      const pong = await s.control.next("pong", from, 5000);
      const replies = s.control.messages.slice(from).map((m) => (m.type === "error" ? `error ${m.code}` : m.type));
      return `replies: ${replies.join(", ") || "none"}${pong ? "" : " (no pong in 5 s)"}; control ${s.control.closed === null ? "open" : `closed ${s.control.closed}`}`;
    },
  },
  {
    name: "hello with a multibyte token",
    sent: `hello with "é".repeat(token.length) on the session's control socket`,
    budget_ms: 10_000,
    async run(ctx) {
      const s = await ctx.session();
      const c = await Control.open(s.control_url, ctx.server.origin);
      ctx.later(() => c.close());
      c.send({ type: "hello", token: "é".repeat(s.token.length) });
      await until(() => c.closed !== null, 5000);
      return `${c.closed === null ? "not closed in 5 s" : `closed ${c.closed}`}; ${c.messages.map((m) => m.code ?? m.type).join(", ") || "no messages"}`;
    },
  },
  {
    name: "hello on an unknown session",
    sessions: 0,
    sent: "hello on /api/sessions/NoSuchSession123/control/",
    budget_ms: 10_000,
    async run(ctx) {
      let c: Control;
      try {
        c = await Control.open(`ws://127.0.0.1:${ctx.server.port}/api/sessions/NoSuchSession123/control/`, ctx.server.origin);
      } catch (error) {
        return `upgrade refused: ${(error as Error).message}`;
      }
      ctx.later(() => c.close());
      c.send({ type: "hello", token: "x" });
      await until(() => c.closed !== null, 5000);
      return c.closed === null ? "not closed in 5 s" : `closed ${c.closed}`;
    },
  },
  {
    name: "POST /api/sessions without Origin",
    sessions: 0,
    sent: "POST /api/sessions with no Origin header",
    budget_ms: 10_000,
    async run(ctx) {
      const r = await fetch(`${ctx.server.origin}/api/sessions`, { method: "POST", signal: AbortSignal.timeout(5000) });
      return `HTTP ${r.status} ${JSON.parse(await r.text()).code ?? ""}`.trim();
    },
  },
  {
    name: "text frame in the upgrade's packet",
    sessions: 0,
    sent: "upgrade + masked text frame in one write, to the bystander's session",
    budget_ms: 10_000,
    async run(ctx) {
      const r = raw(ctx, `${path_of(ctx.bystander.ws_base)}?_client=wire`, client_frame(OP.text, "same packet"));
      await until(() => r.texts().length > 0 || r.ended, 5000);
      return `${r.status ?? "no status"}; got ${JSON.stringify(r.texts()[0] ?? null)}`;
    },
  },
  {
    name: "100 pings in one write",
    sent: "100 ping frames in one write, then a text frame",
    budget_ms: 15_000,
    async run(ctx) {
      const s = await echo_session(ctx);
      const r = raw(ctx, `${path_of(s.ws_base)}?_client=pinger`);
      await until(() => r.status !== null, 5000);
      r.write(Buffer.concat([...Array.from({ length: 100 }, (_, i) => client_frame(OP.ping, `p${i}`)), client_frame(OP.text, "after")]));
      await until(() => r.texts().length > 0 || r.ended, 5000);
      const pongs = r.frames.filter((f) => f.opcode === OP.pong).length;
      return `${pongs} pongs, then ${JSON.stringify(r.texts()[0] ?? null)}; ${r.ended ? "connection closed" : "connection kept"}`;
    },
  },
  {
    name: "64-bit length, top bit set",
    sent: "a binary frame whose 64-bit length has its most significant bit set",
    budget_ms: 15_000,
    async run(ctx) {
      const s = await echo_session(ctx);
      const r = raw(ctx, `${path_of(s.ws_base)}?_client=length`);
      await until(() => r.status !== null, 5000);
      r.write(Buffer.concat([Buffer.from([0x82, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]), Buffer.from("hello")]));
      await until(() => r.close_frame() !== undefined || r.ended, 5000);
      const close = r.close_frame();
      return close ? `close ${close_code(close.payload)}` : r.ended ? "socket closed without a close frame" : "nothing in 5 s";
    },
  },
  {
    name: "HTTP/1.0 upgrade; upgrade without Host",
    sessions: 0,
    sent: "an upgrade request on HTTP/1.0, and one with no Host header",
    budget_ms: 10_000,
    async run(ctx) {
      const path = `${path_of(ctx.bystander.ws_base)}?_client=old`;
      const old = await raw_request(ctx.server.port, upgrade_request(path).replace("HTTP/1.1", "HTTP/1.0"));
      const no_host = await raw_request(ctx.server.port, upgrade_request(path, { Host: "" }));
      return `HTTP/1.0: ${first_line(old)}; no Host: ${first_line(no_host)}`;
    },
  },
  {
    name: "64 MiB written, nothing read",
    sent: "an echo client writes 64 x 1 MiB text messages and never reads",
    budget_ms: 20_000,
    async run(ctx) {
      const s = await echo_session(ctx);
      const r = raw(ctx, `${path_of(s.ws_base)}?_client=hog`);
      await until(() => r.status !== null, 5000);
      r.socket.pause();
      let error = "";
      r.socket.on("error", (e: NodeJS.ErrnoException) => { error = e.code ?? e.message; });
      const message = client_frame(OP.text, Buffer.alloc(1024 * 1024, "x"));
      for (let i = 0; i < 64; i++) r.write(message);
      const sent = () => r.socket.bytesWritten / 2 ** 20;
      let last = -1;
      const end = Date.now() + 10_000;
      // Stop watching once the server has taken everything or stopped taking anything for 2 s.
      while (Date.now() < end && sent() < 64 * 1.0001 && !r.socket.destroyed) {
        if (sent() === last) break;
        last = sent();
        await sleep(2000);
      }
      r.socket.resume();
      await until(() => r.ended, 3000);
      const close = r.close_frame();
      return `server took ${sent().toFixed(1)} of 64 MiB; then read ${r.texts().length} echoes, ${close ? `close ${close_code(close.payload)}` : "no close frame"}` +
        `${r.ended ? ", socket closed" : ", socket open"}${error ? ` (${error})` : ""}`;
    },
  },
];
