// The gallery's shared table of cases (gallery-cases.json), run against the TypeScript examples. The Python
// suite runs the same table against python/examples/ (python/tests/test_gallery_cases.py).
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { configure, WebsocketCommunicator, type ASGIApp, type ConsumerClass } from "channels";

interface Step {
  client?: string;
  connect?: { subprotocols?: string[] };
  expect?: { accepted: boolean; subprotocol?: string | null; close_code?: number };
  send?: { text?: string; bytes_hex?: string; json?: unknown };
  receive?: { text?: string; bytes_hex?: string; json?: unknown; close?: number };
  crash?: string;
  disconnect?: number;
}

interface Case {
  name: string;
  module: { typescript: string; python: string };
  consumer?: string;
  path: string;
  clients?: string[];
  steps: Step[];
}

const table = JSON.parse(readFileSync(new URL("./gallery-cases.json", import.meta.url), "utf8")) as { cases: Case[] };
const hex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (byte) => parseInt(byte, 16));

/** What the playground mounts: the module's `application`, or the case's consumer. */
async function app_of(c: Case): Promise<ASGIApp> {
  const module = (await import(`./${c.module.typescript}.ts`)) as Record<string, unknown>;
  return c.consumer === undefined ? (module.application as ASGIApp) : (module[c.consumer] as ConsumerClass).as_asgi();
}

async function run(c: Case, step: Step, communicator: WebsocketCommunicator): Promise<void> {
  if (step.connect !== undefined) {
    const [accepted, detail] = await communicator.connect();
    expect(step.expect!.accepted ? { accepted, subprotocol: detail } : { accepted, close_code: detail }).toEqual(step.expect);
  } else if (step.send !== undefined) {
    if (step.send.json !== undefined) await communicator.send_json_to(step.send.json);
    else if (step.send.bytes_hex !== undefined) await communicator.send_to(null, hex(step.send.bytes_hex));
    else await communicator.send_to(step.send.text);
  } else if (step.receive?.close !== undefined) {
    expect(await communicator.receive_output()).toMatchObject({ type: "websocket.close", code: step.receive.close });
  } else if (step.receive?.json !== undefined) {
    expect(await communicator.receive_json_from()).toEqual(step.receive.json);
  } else if (step.receive !== undefined) {
    expect(await communicator.receive_from()).toEqual(step.receive.bytes_hex !== undefined ? hex(step.receive.bytes_hex) : step.receive.text);
  } else if (step.crash !== undefined) {
    await expect(communicator.wait()).rejects.toThrow(step.crash);
  } else if (step.disconnect !== undefined) {
    await communicator.disconnect(step.disconnect);
  } else {
    throw new Error(`${c.name}: a step of no known kind: ${JSON.stringify(step)}`);
  }
}

describe("the gallery's table of cases, in TypeScript", () => {
  beforeEach(() => configure({ CHANNEL_LAYERS: { default: { BACKEND: "channels.layers.InMemoryChannelLayer" } } }));
  it("has cases", () => expect(table.cases.length).toBeGreaterThan(5));
  for (const c of table.cases) {
    it(c.name, async () => {
      const app = await app_of(c);
      const clients = new Map<string, WebsocketCommunicator>();
      for (const name of c.clients ?? ["client"]) {
        const subprotocols = c.steps.find((s) => (s.client ?? "client") === name && s.connect)?.connect?.subprotocols;
        clients.set(name, new WebsocketCommunicator(app, c.path, undefined, subprotocols));
      }
      for (const step of c.steps) await run(c, step, clients.get(step.client ?? "client")!);
    });
  }
});
