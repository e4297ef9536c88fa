import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AssertionError, Cancellation, CancelledError, ChannelFull, channel_layers, configure, get_channel_layer,
  InMemoryChannelLayer, InvalidChannelLayerError, reset_settings,
} from "../index.ts";

const NAME_ERROR = "name must be a valid unicode string with length < 100 containing only ASCII alphanumerics, hyphens, underscores, or periods, not";

describe("InMemoryChannelLayer", () => {
  afterEach(() => vi.useRealTimers());

  it("sends and receives in order, and receive waits for a later send", async () => {
    const layer = new InMemoryChannelLayer();
    await layer.send("test-channel", { type: "one" });
    await layer.send("test-channel", { type: "two" });
    expect(await layer.receive("test-channel")).toEqual({ type: "one" });
    expect(await layer.receive("test-channel")).toEqual({ type: "two" });
    const later = layer.receive("test-channel");
    await layer.send("test-channel", { type: "three" });
    expect(await later).toEqual({ type: "three" });
  });

  it("names new channels as Channels 4 does", async () => {
    const layer = new InMemoryChannelLayer();
    expect(await layer.new_channel()).toMatch(/^specific\.\.inmemory![a-zA-Z]{12}$/);
    expect(await layer.new_channel("test.")).toMatch(/^test\.\.inmemory!/);
  });

  it("raises ChannelFull on the 101st queued send; group_send drops silently instead", async () => {
    const layer = new InMemoryChannelLayer();
    for (let i = 0; i < 100; i++) await layer.send("full", { type: "m", i });
    expect(() => layer.send("full", { type: "m" })).toThrow(new ChannelFull("full"));
    await layer.group_add("g", "full");
    await expect(layer.group_send("g", { type: "dropped" })).resolves.toBeUndefined();
    for (let i = 0; i < 100; i++) expect(await layer.receive("full")).toEqual({ type: "m", i });
  });

  it("honours capacity and per-channel capacities (globs)", async () => {
    const layer = new InMemoryChannelLayer({ capacity: 2, channel_capacity: { "small.*": 1 } });
    await layer.send("small.a", { type: "m" });
    expect(() => layer.send("small.a", { type: "m" })).toThrow(ChannelFull);
    await layer.send("big", { type: "m" });
    await layer.send("big", { type: "m" });
    expect(() => layer.send("big", { type: "m" })).toThrow(ChannelFull);
  });

  it("copies messages deeply, so the sender's later changes are invisible", async () => {
    const layer = new InMemoryChannelLayer();
    const message = { type: "m", nested: { list: [1] }, data: Uint8Array.of(1) };
    await layer.send("c", message);
    message.nested.list.push(2);
    message.data[0] = 9;
    expect(await layer.receive("c")).toEqual({ type: "m", nested: { list: [1] }, data: Uint8Array.of(1) });
    // Also when a receiver is already waiting and gets the message directly.
    const waiting = layer.receive("c");
    const direct = { type: "m", nested: { list: [1] } };
    await layer.send("c", direct);
    direct.nested.list.push(2);
    expect(await waiting).toEqual({ type: "m", nested: { list: [1] } });
  });

  it("expires messages after `expiry` and removes their channel from every group", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const layer = new InMemoryChannelLayer({ expiry: 60 });
    await layer.group_add("g", "stale");
    await layer.group_add("g", "fresh");
    await layer.send("stale", { type: "old" });
    vi.advanceTimersByTime(61_000);
    await layer.send("fresh", { type: "new" });
    expect(await layer.receive("fresh")).toEqual({ type: "new" }); // receive runs the expiry sweep
    expect(layer.group_members("g")).toEqual(["fresh"]);
    const pending = layer.receive("stale");
    await layer.send("stale", { type: "after" });
    expect(await pending).toEqual({ type: "after" });
  });

  it("drops group memberships older than group_expiry", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const layer = new InMemoryChannelLayer({ group_expiry: 100 });
    await layer.group_add("g", "a");
    vi.advanceTimersByTime(50_000);
    await layer.group_add("g", "b");
    vi.advanceTimersByTime(60_000);
    await layer.group_send("g", { type: "m" });
    expect(layer.group_members("g")).toEqual(["b"]);
  });

  it("broadcasts to every member in join order; discarding an unknown member is a no-op", async () => {
    const layer = new InMemoryChannelLayer();
    await layer.group_add("g", "a");
    await layer.group_add("g", "b");
    await layer.group_discard("g", "nobody");
    await layer.group_discard("nogroup", "a");
    await layer.group_send("g", { type: "hello" });
    expect([await layer.receive("a"), await layer.receive("b")]).toEqual([{ type: "hello" }, { type: "hello" }]);
    await layer.group_discard("g", "a");
    expect(layer.group_members("g")).toEqual(["b"]);
  });

  it("checks names with Channels' rules and TypeError text", () => {
    const layer = new InMemoryChannelLayer();
    expect(layer.valid_group_name("a".repeat(99))).toBe(true);
    for (const bad of ["a".repeat(100), "bad name", "room/1", "héllo", ""]) {
      expect(() => layer.group_add(bad, "chan")).toThrow(new TypeError(`Group ${NAME_ERROR} ${bad}`));
    }
    expect(() => layer.send("bad channel", { type: "m" })).toThrow(new TypeError(`Channel ${NAME_ERROR} bad channel`));
    expect(layer.valid_channel_name("specific.x!abc_1")).toBe(true);
    expect(() => layer.valid_channel_name("specific.x!abc", true)).toThrow("Specific channel names in receive() must end at the !");
  });

  it("asserts that messages are dicts", () => {
    const layer = new InMemoryChannelLayer();
    expect(() => layer.send("c", [] as never)).toThrow(new AssertionError("message is not a dict"));
    expect(() => layer.group_send("g", null as never)).toThrow(new AssertionError("Message is not a dict"));
  });

  it("flushes queued messages and groups", async () => {
    const layer = new InMemoryChannelLayer();
    await layer.send("c", { type: "m" });
    await layer.group_add("g", "c");
    await layer.flush();
    expect(layer.group_members("g")).toEqual([]);
    const pending = layer.receive("c");
    await layer.send("c", { type: "after flush" });
    expect(await pending).toEqual({ type: "after flush" });
  });

  it("withdraws a cancelled receive, so the next message waits for a live receiver", async () => {
    const layer = new InMemoryChannelLayer();
    const cancellation = new Cancellation();
    const cancelled = layer.receive("c", cancellation);
    cancellation.cancel();
    await expect(cancelled).rejects.toThrow(CancelledError);
    await layer.send("c", { type: "kept" });
    expect(await layer.receive("c")).toEqual({ type: "kept" });
  });

  it("binds its methods, for async_to_sync(layer.group_send)", async () => {
    const layer = new InMemoryChannelLayer();
    const { group_add, group_send, receive } = layer;
    await group_add("g", "c");
    await group_send("g", { type: "m" });
    expect(await receive("c")).toEqual({ type: "m" });
  });
});

describe("get_channel_layer", () => {
  afterEach(() => reset_settings());

  it("is null without CHANNEL_LAYERS, and one shared layer per alias with it", () => {
    expect(get_channel_layer()).toBeNull();
    configure({ CHANNEL_LAYERS: { default: { BACKEND: "channels.layers.InMemoryChannelLayer", CONFIG: { capacity: 7 } } } });
    const layer = get_channel_layer() as InMemoryChannelLayer;
    expect(layer).toBeInstanceOf(InMemoryChannelLayer);
    expect(layer.capacity).toBe(7);
    expect(get_channel_layer("default")).toBe(layer);
    expect(get_channel_layer("other")).toBeNull();
  });

  it("rebuilds layers when CHANNEL_LAYERS is replaced, and lets tests swap one in", () => {
    configure({ CHANNEL_LAYERS: { default: { BACKEND: InMemoryChannelLayer } } });
    const first = get_channel_layer();
    configure({ CHANNEL_LAYERS: { default: { BACKEND: InMemoryChannelLayer } } });
    expect(get_channel_layer()).not.toBe(first);
    const mine = new InMemoryChannelLayer();
    channel_layers.set("default", mine);
    expect(get_channel_layer()).toBe(mine);
  });

  it("explains a bad configuration", () => {
    configure({ CHANNEL_LAYERS: { default: { BACKEND: "channels_redis.core.Nope" } } });
    expect(() => get_channel_layer()).toThrow(
      new InvalidChannelLayerError("Cannot import BACKEND 'channels_redis.core.Nope' specified for default"),
    );
    configure({ CHANNEL_LAYERS: { default: { BACKEND: InMemoryChannelLayer, ROUTING: "x" } as never } });
    expect(() => get_channel_layer()).toThrow("ROUTING key found for default - this is no longer needed in Channels 2.");
  });
});
