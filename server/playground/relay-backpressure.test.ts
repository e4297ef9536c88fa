// A client that writes without reading, through a session: what waits for the sandbox stays bounded, the rest
// waits in the client's socket, and the client is closed once its unread replies pass the write limit.
import { afterEach, expect, it } from "vitest";
import type { Session } from "./session.ts";
import type { SandboxProcess } from "./supervisor.ts";
import { start_playground, type PlaygroundServer } from "./test-support.ts";

let pg: PlaygroundServer;
afterEach(async () => pg?.close());

it("keeps what waits for the sandbox under its bound while a client writes 48 MiB and reads nothing", async () => {
  // A small write limit: the kernel's socket buffers take the first megabytes of unread echoes, however loaded the machine.
  pg = await start_playground({}, { write_limit: 4 * 1024 * 1024 });
  const control = await pg.session();
  await control.run(`import { AsyncWebsocketConsumer } from "channels";
export class Echo extends AsyncWebsocketConsumer {
  async connect() { await this.accept(); }
  async receive(text_data?: string) { await this.send({ text_data }); }
}`);
  const session = pg.playground.manager.get(control.id) as Session;
  const sandbox = (session as unknown as { hosts: { typescript: { sandbox: SandboxProcess } } }).hosts.typescript.sandbox;
  const c = control.client("", "flood");
  expect(await c.outcome).toBe("open");
  (c.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  const mib = "m".repeat(1024 * 1024 - 16);
  let most = 0;
  let inbound = 0;
  const sample = setInterval(() => {
    most = Math.max(most, sandbox.in_flight_bytes);
    inbound = Math.max(inbound, pg.server.stats().inbound_bytes);
  }, 5);
  try {
    for (let i = 0; i < 48 && c.ws.readyState === c.ws.OPEN; i++) {
      c.ws.send(mib);
      await new Promise((r) => setTimeout(r, 10));
    }
    const closed = await Promise.race([c.closed, new Promise((r) => setTimeout(r, 40_000, null))]);
    const seen = JSON.stringify({ most, inbound, stats: pg.server.stats(), in_flight: sandbox.in_flight_bytes, logs: pg.logs.slice(-3) });
    expect(closed, seen).not.toBeNull();
    expect([1006, 1008], seen).toContain((closed as { code: number }).code); // 1008 if the close frame got through the unread bytes
  } finally {
    clearInterval(sample);
  }
  expect(most).toBeGreaterThan(0);
  expect(most).toBeLessThanOrEqual(2 * 1024 * 1024 + 1024); // the high mark (1 MiB) and one message past it
  expect(inbound).toBeLessThanOrEqual(2 * 1024 * 1024 + 64 * 1024);
  expect(pg.logs.some((l) => /WS_WRITE_LIMIT|WS_WRITE_TIMEOUT/.test(l))).toBe(true);
  // The session serves the next client.
  await control.serves("hi", "hi", "next");
}, 60_000);

const STREAM = `import { AsyncWebsocketConsumer } from "channels";
const chunk = "x".repeat(1024 * 1024);
export class Stream extends AsyncWebsocketConsumer {
  async connect() {
    await this.accept();
    let n = 0;
    const id = setInterval(() => { if (++n > 100) clearInterval(id); else void this.send({ text_data: chunk }); }, 50);
  }
}`;

/** A playground whose session streams, and its client named `label`, connected. */
async function streaming(label: string) {
  pg = await start_playground();
  const control = await pg.session();
  await control.run(STREAM);
  const c = control.client("", label);
  expect(await c.outcome).toBe("open");
  return { control, c };
}

it("streams 100 MiB from a timer (20 MiB/s) to a client that reads, within the session's memory cap", async () => {
  const { control, c } = await streaming("reader");
  for (let i = 0; i < 100; i++) expect(((await c.next()) as string).length).toBe(1024 * 1024);
  expect(control.records.filter((r) => r.kind === "error")).toEqual([]);
  c.ws.close();
}, 30_000);

it("closes a client that stops reading a stream with 1008, and drops what the app sends it afterwards", async () => {
  const { control, c } = await streaming("sleeper");
  (c.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  await new Promise((r) => setTimeout(r, 5500));
  expect(pg.logs.some((l) => /sleeper.*1008.*WS_WRITE_LIMIT/.test(l))).toBe(true);
  expect(control.records.filter((r) => r.kind === "error")).toEqual([]);
  c.ws.terminate();
}, 30_000);
