import { afterEach, expect, it } from "vitest";
import { start_playground, type PlaygroundServer } from "./test-support.ts";

let pg: PlaygroundServer;
afterEach(async () => pg?.close());

it("keeps a bounded ring through a trace flood, and a viewer gets every record or the count of what it missed", async () => {
  pg = await start_playground({ trace_buffer: 500 });
  const control = await pg.session();
  await control.run(`import { AsyncWebsocketConsumer } from "channels";
export class Loud extends AsyncWebsocketConsumer {
  async receive() { for (let i = 0; i < 5000; i++) console.log("line " + i); await this.send({ text_data: "done" }); }
}`);
  const c = control.client();
  await c.outcome;
  c.ws.send("go");
  expect(await c.next()).toBe("done");
  await control.record((r) => r.kind === "console" && r.text === "line 4999");
  const lines = control.records.filter((r) => r.kind === "console");
  expect(lines.length + control.dropped).toBeGreaterThanOrEqual(5000);
  expect(pg.playground.manager.get(control.id)!.trace.records().length).toBeLessThanOrEqual(500);
  control.close();
});

it("refuses sessions past the cap with 503, and reaps idle ones", async () => {
  pg = await start_playground({ max_sessions: 2, idle_timeout_s: 0.2 });
  const first = await pg.session();
  await pg.session();
  const refused = await fetch(`${pg.origin}/api/sessions`, { method: "POST", headers: { Origin: pg.origin } });
  expect(refused.status).toBe(503);
  expect(((await refused.json()) as { error: string }).error).toMatch(/full \(2 sessions\)/);
  first.close();
  await new Promise((r) => setTimeout(r, 400));
  pg.playground.manager.reap();
  expect(pg.playground.manager.get(first.id)).toBeUndefined();
  expect((await fetch(`${pg.origin}/api/sessions`, { method: "POST", headers: { Origin: pg.origin } })).status).toBe(201);
});
