// The Redis layer against a real redis-server: Channels' layer semantics, and channels_redis' keys and encoding.
import { decode } from "@msgpack/msgpack";
import { AssertionError, Cancellation, CancelledError, ChannelFull } from "channels";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisChannelLayer, RedisUnavailable, type RedisLayerConfig } from "./index.ts";
import { free_port } from "../test-support/free-port.ts";
import { start_redis, type RedisServer } from "./test-support.ts";

let redis: RedisServer;
let inspect: Redis;
const layers: RedisChannelLayer[] = [];
const quiet = { info() {}, warn() {} };

function layer(config: RedisLayerConfig = {}): RedisChannelLayer {
  const made = new RedisChannelLayer({ hosts: [redis.url], logger: quiet, ...config });
  layers.push(made);
  return made;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  redis = await start_redis();
  inspect = new Redis(redis.url);
  inspect.on("error", () => {}); // it is down while the restart tests run
});
afterEach(async () => {
  await inspect.flushall();
  for (const l of layers.splice(0)) await l.close();
});
afterAll(async () => {
  inspect.disconnect();
  await redis.stop();
});

describe("RedisChannelLayer", () => {
  it("sends and receives in order, and a receive waits for a later send", async () => {
    const a = layer();
    const channel = await a.new_channel();
    await a.send(channel, { type: "first" });
    await a.send(channel, { type: "second" });
    expect(await a.receive(channel)).toEqual({ type: "first" });
    expect(await a.receive(channel)).toEqual({ type: "second" });
    const later = a.receive(channel);
    await a.send(channel, { type: "third", n: 3 });
    expect(await later).toEqual({ type: "third", n: 3 });
  });

  it("names channels as channels_redis does, and refuses to read another process's", async () => {
    const a = layer();
    const b = layer();
    const channel = await a.new_channel();
    expect(channel).toMatch(new RegExp(`^specific\\.${a.client_prefix}![0-9a-f]{32}$`));
    expect(a.client_prefix).not.toBe(b.client_prefix);
    expect(() => b.receive(channel)).toThrow(AssertionError);
    expect(() => a.receive("bad name")).toThrow(TypeError);
    expect(() => a.send("x".repeat(100), { type: "t" })).toThrow(TypeError);
    expect(() => a.send("ok", { type: "t", __asgi_channel__: "x" })).toThrow(AssertionError);
  });

  it("delivers a direct send to a channel another process owns", async () => {
    const a = layer();
    const b = layer();
    const on_b = await b.new_channel();
    const received = b.receive(on_b);
    await a.send(on_b, { type: "hello", text: "from a" });
    expect(await received).toEqual({ type: "hello", text: "from a" });
  });

  it("broadcasts to members in every process, in order per sender", async () => {
    const a = layer();
    const b = layer();
    const [a1, a2, b1] = [await a.new_channel(), await a.new_channel(), await b.new_channel()];
    for (const [l, c] of [[a, a1], [a, a2], [b, b1]] as const) await l.group_add("room", c);
    // Sent without waiting in between (as many as a queue holds): the order must come from the scores.
    await Promise.all(Array.from({ length: 100 }, (_, i) => a.group_send("room", { type: "chat.message", i })));
    for (const [l, c] of [[a, a1], [a, a2], [b, b1]] as const) {
      const got: number[] = [];
      for (let i = 0; i < 100; i++) got.push((await l.receive(c)).i as number);
      expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i));
    }
    await a.group_discard("room", a2);
    await a.group_discard("room", "specific.not-a-member!x"); // no error
    await b.group_send("room", { type: "after" });
    expect(await a.receive(a1)).toEqual({ type: "after" });
    expect(await b.receive(b1)).toEqual({ type: "after" });
    expect(await inspect.zrange("asgi:group:room", "0", "-1")).toEqual([a1, b1]);
  });

  it("raises ChannelFull past capacity; group_send skips the full channel instead", async () => {
    const a = layer({ capacity: 5, channel_capacity: { "priority-*": 2 } });
    for (let i = 0; i < 5; i++) await a.send("work", { type: "job", i });
    await expect(a.send("work", { type: "job", i: 5 })).rejects.toThrow(ChannelFull);
    await a.send("priority-1", { type: "p" });
    await a.send("priority-1", { type: "p" });
    await expect(a.send("priority-1", { type: "p" })).rejects.toThrow(ChannelFull);
    await a.group_add("jobs", "work");
    await a.group_send("jobs", { type: "dropped" });
    expect(await inspect.zcard("asgiwork")).toBe(5);
  });

  it("expires queued messages after `expiry`, and memberships after `group_expiry`", async () => {
    const a = layer({ expiry: 1, group_expiry: 1 });
    await a.send("slow", { type: "old" });
    await a.group_add("short", "member");
    await sleep(2100);
    await a.send("slow", { type: "new" });
    expect(await a.receive("slow")).toEqual({ type: "new" });
    await a.group_send("short", { type: "to nobody" });
    expect(await inspect.exists("asgimember")).toBe(0);
  });

  it("stores keys and members as channels_redis does: 12 bytes, then msgpack", async () => {
    const a = layer({ prefix: "pfx" });
    const channel = await a.new_channel();
    await a.group_add("g", channel);
    await a.send(channel, { type: "direct", data: new Uint8Array([0, 255]), n: 1.5, none: null, list: [1, "two"] });
    await a.group_send("g", { type: "grouped" });
    const key = `pfx${channel.slice(0, channel.indexOf("!") + 1)}`;
    const members = await inspect.zrangeBuffer(key, "0", "-1");
    expect(members).toHaveLength(2);
    expect(decode(new Uint8Array(members[0]!.subarray(12)))).toEqual({
      type: "direct", data: new Uint8Array([0, 255]), n: 1.5, none: null, list: [1, "two"], __asgi_channel__: channel,
    });
    expect(decode(new Uint8Array(members[1]!.subarray(12)))).toEqual({ type: "grouped", __asgi_channel__: [channel] });
    expect(await inspect.zrange("pfx:group:g", "0", "-1")).toEqual([channel]);
    expect(await inspect.ttl(key)).toBeGreaterThan(50);
    const first = await a.receive(channel);
    expect(first.data).toEqual(new Uint8Array([0, 255]));
  });

  it("reads shared (process-neutral) channels with a blocking pop", async () => {
    const a = layer();
    const b = layer();
    const waiting = b.receive("background-tasks");
    await a.send("background-tasks", { type: "task", id: 7 });
    expect(await waiting).toEqual({ type: "task", id: 7 });
  });

  it("withdraws a cancelled receive, so the next message waits for a live reader", async () => {
    const a = layer();
    const channel = await a.new_channel();
    const cancel = new Cancellation();
    const first = a.receive(channel, cancel);
    cancel.cancel();
    await expect(first).rejects.toThrow(CancelledError);
    await a.send(channel, { type: "kept" });
    expect(await a.receive(channel)).toEqual({ type: "kept" });
  });

  it("flushes every key under its prefix", async () => {
    const a = layer();
    const channel = await a.new_channel();
    await a.group_add("g", channel);
    await a.send("other", { type: "x" });
    await a.flush();
    expect(await inspect.keys("asgi*")).toEqual([]);
  });

  it("names the server when Redis cannot be reached", async () => {
    const port = await free_port();
    const a = layer({ hosts: [`redis://user:secret@127.0.0.1:${port}/0`], outage_timeout: 0.3 });
    const error = await a.send("x", { type: "t" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailable);
    expect((error as RedisUnavailable).code).toBe("REDIS_UNAVAILABLE");
    expect((error as Error).message).toBe(`Redis at redis://user:****@127.0.0.1:${port}/0 is not reachable (connect ECONNREFUSED 127.0.0.1:${port})`);
    await expect(a.check(0.2)).rejects.toThrow(/not reachable/);
  });
});

describe("when Redis restarts", () => {
  it("reconnects, puts memberships back, and delivers what was sent during the outage", async () => {
    const warnings: string[] = [];
    const logger = { info: (m: string) => warnings.push(m), warn: (m: string) => warnings.push(m) };
    const a = layer({ logger });
    const b = layer({ logger });
    const on_b = await b.new_channel();
    await a.group_add("room", on_b);
    const waiting = b.receive(on_b);
    await a.group_send("room", { type: "before" });
    expect(await waiting).toEqual({ type: "before" });
    // Sitting in Redis when it stops: lost, as Redis was running without persistence.
    await a.send(on_b, { type: "queued, lost" });

    const next = b.receive(on_b);
    const restarting = redis.restart(300);
    await sleep(100);
    // Sent while Redis is down: waits for it (up to outage_timeout), then goes through.
    const during = a.group_send("room", { type: "during" });
    await restarting;
    await during;
    expect(await next).toEqual({ type: "during" });
    await a.group_send("room", { type: "after" });
    expect(await b.receive(on_b)).toEqual({ type: "after" });
    expect(warnings.some((m) => /not reachable .*retrying/.test(m))).toBe(true);
    expect(warnings.some((m) => /reachable again/.test(m))).toBe(true);
  });

  it("raises RedisUnavailable for a send when Redis stays away longer than outage_timeout", async () => {
    const a = layer({ outage_timeout: 0.3 });
    await a.send("x", { type: "t" });
    const down = redis.restart(1500);
    await sleep(100);
    await expect(a.send("x", { type: "t" })).rejects.toThrow(RedisUnavailable);
    await down;
    await a.check(5);
    await a.send("x", { type: "t" });
    expect(await a.receive("x")).toEqual({ type: "t" });
  });
});
