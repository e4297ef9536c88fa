// The gallery's modules are the example app's consumer files: each must run in a session as loaded.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { start_playground, type PlaygroundServer } from "./test-support.ts";

const GALLERY = ["seed", "echo", "async-echo", "json", "chat", "direct", "reject", "subprotocol", "boom", "close-code"];
const source = (id: string) => readFileSync(new URL(`../examples/${id}.ts`, import.meta.url), "utf8");

let pg: PlaygroundServer;
beforeAll(async () => { pg = await start_playground(); });
afterAll(async () => pg.close());

it.each(GALLERY)("runs the %s example as written", async (id) => {
  const control = await pg.session();
  const result = await control.run(source(id));
  expect(result, JSON.stringify(result.diagnostics)).toMatchObject({ ok: true, diagnostics: [] });
  control.close();
});

it("direct example: two clients learn their channel_name and send to each other", async () => {
  const control = await pg.session();
  expect((await control.run(source("direct"))).ok).toBe(true);
  const alice = control.client("", "alice");
  const bob = control.client("", "bob");
  const { channel_name: a } = JSON.parse(String(await alice.next())) as { channel_name: string };
  const { channel_name: b } = JSON.parse(String(await bob.next())) as { channel_name: string };
  alice.ws.send(JSON.stringify({ to: b, text: "hi bob" }));
  expect(JSON.parse(String(await bob.next()))).toEqual({ from: a, text: "hi bob" });
  bob.ws.send(JSON.stringify({ text: "no address" }));
  expect(JSON.parse(String(await bob.next()))).toEqual({ error: 'Send {"to": "<a channel_name>", "text": "..."}' });
  await control.record((r) => r.kind === "layer" && r.op === "send" && JSON.stringify(r).includes("direct.message"));
  alice.ws.close();
  bob.ws.close();
  control.close();
});
