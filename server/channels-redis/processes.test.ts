// Several servers on one Redis, as a deployment runs them: two of our processes, then one of ours beside
// a real Daphne with channels_redis. Clients talk to the example app's chat and direct-message consumers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDaphne, type DaphneServer } from "../../conformance/daphne.ts";
import { until } from "../protocol/test-support.ts";
import { start_main, type MainProcess } from "../test-support/start-main.ts";
import { open_client, type TestClient } from "../test-support/ws-client.ts";
import { start_redis, type RedisServer } from "./test-support.ts";

let redis: RedisServer;
beforeAll(async () => {
  redis = await start_redis();
});
afterAll(async () => {
  await redis?.stop();
});

// Two senders' bursts together stay under the default capacity (100): past it, channels_redis (and so this
// layer) drops the oldest messages buffered for a consumer, which core.test.ts covers on its own.
const BURST = 45;

/** Sends a burst from each client at once; every client must get every message, each sender's in order. */
async function exchange_bursts(clients: Record<string, TestClient>): Promise<void> {
  const names = Object.keys(clients);
  const before = new Map(names.map((name) => [name, clients[name]!.received.length]));
  for (const name of names) for (let i = 0; i < BURST; i++) clients[name]!.ws.send(`${name}:${i}`);
  for (const name of names) {
    const client = clients[name]!;
    const start = before.get(name)!;
    const got = (await client.frames(start + BURST * names.length)).slice(start);
    for (const sender of names) {
      const from = got.filter((text) => text.startsWith(`${sender}:`));
      expect(from, `${name} hears ${sender}`).toEqual(Array.from({ length: BURST }, (_, i) => `${sender}:${i}`));
    }
  }
}

/** Each direct client first gets its channel_name; each sends to the other's and must hear from it. */
async function exchange_direct(a: TestClient, b: TestClient): Promise<void> {
  const { channel_name: a_name } = await a.json<{ channel_name: string }>(0);
  const { channel_name: b_name } = await b.json<{ channel_name: string }>(0);
  expect(a_name).toMatch(/^specific\.[0-9a-f]+!/);
  a.ws.send(JSON.stringify({ to: b_name, text: "hello b" }));
  b.ws.send(JSON.stringify({ to: a_name, text: "hello a" }));
  expect(await b.json(1)).toEqual({ from: a_name, text: "hello b" });
  expect(await a.json(1)).toEqual({ from: b_name, text: "hello a" });
}

describe("two of our server processes on one Redis", () => {
  let one: MainProcess;
  let two: MainProcess;
  beforeAll(async () => {
    [one, two] = await Promise.all([start_main({ REDIS_URL: redis.url }), start_main({ REDIS_URL: redis.url })]);
  }, 20_000);
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
  });

  it("says at start which channel layer it uses", () => {
    expect(one.output()).toContain(`(channel layer: Redis at RedisChannelLayer(hosts=[${redis.url}]))`);
  });

  it("puts clients on either process in one chat room, every broadcast in order per sender", async () => {
    const alice = await open_client(`${one.ws_url}ws/chat/lobby/`);
    const bob = await open_client(`${two.ws_url}ws/chat/lobby/`);
    const carol = await open_client(`${two.ws_url}ws/chat/elsewhere/`);
    await exchange_bursts({ alice, bob });
    expect(carol.received).toEqual([]); // another room hears nothing
    await Promise.all([alice.close(), bob.close(), carol.close()]);
  });

  it("delivers a direct send to a channel_name owned by the other process", async () => {
    const a = await open_client(`${one.ws_url}ws/direct/`);
    const b = await open_client(`${two.ws_url}ws/direct/`);
    await exchange_direct(a, b);
    await Promise.all([a.close(), b.close()]);
  });

  it("keeps its clients through a Redis restart: broadcasts resume without restarting the servers", async () => {
    const alice = await open_client(`${one.ws_url}ws/chat/restart/`);
    const bob = await open_client(`${two.ws_url}ws/chat/restart/`);
    await exchange_bursts({ alice, bob });
    await redis.restart(300); // comes back empty: the group and both receive queues are gone
    // Sent while process one may still be reconnecting: the send waits for Redis (up to outage_timeout), and
    // process one puts its memberships back before any waiting call runs, so alice hears herself.
    alice.ws.send("during restart");
    expect((await alice.frames(2 * BURST + 1, 15_000)).at(-1)).toBe("during restart");
    // Bob hears it only if process two had reconnected by then (README: "Redis outages"); once both have:
    await until(() => [one, two].every((p) => p.output().includes("is reachable again")), 10_000);
    alice.ws.send("after restart");
    expect((await alice.frames(2 * BURST + 2)).at(-1)).toBe("after restart");
    await until(() => bob.received.includes("after restart"), 10_000);
    expect(["during restart,after restart", "after restart"]).toContain(bob.received.slice(2 * BURST).join());
    await exchange_bursts({ alice, bob });
    await Promise.all([alice.close(), bob.close()]);
  }, 30_000);
});

describe("one of our processes beside Daphne with channels_redis, on one Redis", () => {
  let ours: MainProcess;
  let daphne: DaphneServer;
  beforeAll(async () => {
    [ours, daphne] = await Promise.all([start_main({ REDIS_URL: redis.url }), startDaphne({ redisUrl: redis.url })]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([ours?.stop(), daphne?.stop()]);
  });

  it("shares a group: each side's consumer receives the other's group_send", async () => {
    const django = await open_client(`${daphne.url}/ws/chat/mixed/`);
    const node = await open_client(`${ours.ws_url}ws/chat/mixed/`);
    await exchange_bursts({ django, node });
    await Promise.all([django.close(), node.close()]);
  }, 20_000);

  it("sends to each other's channel_name", async () => {
    const django = await open_client(`${daphne.url}/ws/direct/`);
    const node = await open_client(`${ours.ws_url}ws/direct/`);
    await exchange_direct(django, node);
    await Promise.all([django.close(), node.close()]);
  }, 20_000);
});
