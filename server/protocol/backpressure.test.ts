// Clients that read slower than their apps send, or not at all: memory stays bounded, a client that reads
// (however slowly) loses nothing, and one that does not is closed with 1008.
import { afterEach, describe, expect, it } from "vitest";
import {
  AsyncWebsocketConsumer, ChannelFull, configure, get_channel_layer, reset_settings, type ASGIApp, type Bytes,
  type InMemoryChannelLayer,
} from "../channels/index.ts";
import { client_frame, close_code, OP, RawClient } from "./raw-socket.ts";
import { client, start, until, type TestServer } from "./test-support.ts";

const KiB = 1024;
/** Small limits, so a test moves a few MiB; the loopback kernel buffers hold a few MiB before any of them count. */
const LIMITS = {
  max_message_size: 64 * KiB,
  max_backlog_bytes: 256 * KiB,
  write_high_water_mark: 64 * KiB,
  write_limit: 256 * KiB,
  write_timeout: 0.3,
};

let server: TestServer;
const raws: RawClient[] = [];
afterEach(async () => {
  for (const r of raws.splice(0)) r.socket.destroy();
  await server?.close();
  reset_settings();
});

/** A raw client that completes the handshake and then stops reading its socket. */
async function non_reader(path: string): Promise<RawClient> {
  const r = new RawClient(server.port, path);
  raws.push(r);
  await until(() => r.status !== null);
  r.socket.pause();
  return r;
}

/** Samples the server's stats every 5 ms until `done()`; returns the largest figures seen. */
async function peak_until(done: () => boolean, ms = 10_000): Promise<{ outbound: number; inbound: number }> {
  const peak = { outbound: 0, inbound: 0 };
  await until(() => {
    const s = server.server.stats();
    peak.outbound = Math.max(peak.outbound, s.outbound_bytes);
    peak.inbound = Math.max(peak.inbound, s.inbound_bytes);
    return done();
  }, ms);
  return peak;
}

const message = (i: number, size: number) => Buffer.concat([Buffer.from(`${i}`.padStart(8, "0")), Buffer.alloc(size - 8)]);

describe("a client that does not read", () => {
  it("against an echo app: the server stops reading it, holds a bounded amount, and closes it with 1008", async () => {
    const disconnects: Array<number | null> = [];
    class Echo extends AsyncWebsocketConsumer {
      override async receive(_text?: string, bytes?: Bytes) { await this.send(null, bytes ?? null); }
      override async disconnect(code: number | null) { disconnects.push(code); }
    }
    server = await start(Echo.as_asgi(), LIMITS);
    const r = await non_reader("/");
    const frame = client_frame(OP.binary, Buffer.alloc(64 * KiB));
    for (let i = 0; i < 400; i++) r.write(frame); // 25 MiB, far more than the kernel buffers hold
    const peak = await peak_until(() => disconnects.length === 1);
    expect(disconnects).toEqual([1008]);
    expect(server.logs.some((l) => l.startsWith("warn Closing websocket / with 1008") && l.endsWith("(WS_WRITE_TIMEOUT)"))).toBe(true);
    expect(peak.outbound).toBeLessThanOrEqual(LIMITS.write_limit);
    // The bound, plus the message and the socket read that crossed it.
    expect(peak.inbound).toBeLessThanOrEqual(LIMITS.max_backlog_bytes + LIMITS.max_message_size + 64 * KiB);
    r.socket.resume(); // a client that reads now finds the close frame behind the echoes
    await until(() => r.ended);
    expect(close_code(r.close_frame()!.payload)).toBe(1008);
  });

  it("against an async sender: each send waits while the buffer is over write_high_water_mark", async () => {
    const after_send: number[] = [];
    let sent = 0;
    const app: ASGIApp = async (_scope, receive, send) => {
      await receive();
      await send({ type: "websocket.accept" });
      for (; sent < 2000; sent++) {
        await send({ type: "websocket.send", bytes: message(sent, 16 * KiB) }); // 32 MiB in all
        after_send.push(server.server.stats().outbound_bytes);
      }
    };
    server = await start(app, LIMITS);
    await non_reader("/");
    const peak = await peak_until(() => server.server.stats().websocket_connections === 0);
    expect(Math.max(...after_send)).toBeLessThanOrEqual(LIMITS.write_high_water_mark);
    expect(peak.outbound).toBeLessThanOrEqual(LIMITS.write_high_water_mark + 16 * KiB);
    expect(server.logs.some((l) => l.endsWith("(WS_WRITE_TIMEOUT)"))).toBe(true);
    await until(() => sent === 2000); // the sends after the close are dropped at once
  });

  it("against an app that cannot wait: closed with 1008 at write_limit, and nothing past it is queued", async () => {
    let gone_at = -1;
    let peak = 0;
    const app: ASGIApp = async (_scope, receive, send) => {
      await receive();
      await send({ type: "websocket.accept" });
      for (let i = 0; i < 400; i++) {
        void send({ type: "websocket.send", bytes: message(i, 60 * KiB) }); // as a sync consumer or a relay sends
        const s = server.server.stats();
        peak = Math.max(peak, s.outbound_bytes);
        if (gone_at < 0 && s.websocket_connections === 0) gone_at = i;
      }
    };
    server = await start(app, LIMITS);
    const c = client(server.url("/"));
    expect((await c.closed).code).toBe(1008);
    expect(gone_at).toBe(Math.floor(LIMITS.write_limit / (60 * KiB))); // the first send that would pass the limit
    expect(peak).toBeLessThanOrEqual(LIMITS.write_limit);
    expect(server.logs.some((l) => l.endsWith("(WS_WRITE_LIMIT)"))).toBe(true);
  });

  it("that floods pings: its pongs count as outbound bytes, and it is closed with 1008", async () => {
    class Idle extends AsyncWebsocketConsumer {}
    server = await start(Idle.as_asgi(), LIMITS);
    const r = await non_reader("/");
    const pings = Buffer.concat(Array.from({ length: 1000 }, () => client_frame(OP.ping, Buffer.alloc(125))));
    for (let i = 0; i < 200 && !r.ended; i++) r.write(pings); // 26 MB of pings
    const peak = await peak_until(() => server.server.stats().websocket_connections === 0);
    expect(peak.outbound).toBeLessThanOrEqual(LIMITS.write_limit);
    expect(server.logs.some((l) => l.startsWith("warn Closing websocket / with 1008"))).toBe(true);
  });
});

describe("a client that reads slowly", () => {
  it("gets every message, in order, while its app waits on send", async () => {
    const app: ASGIApp = async (_scope, receive, send) => {
      await receive();
      await send({ type: "websocket.accept" });
      for (let i = 0; i < 1000; i++) await send({ type: "websocket.send", bytes: message(i, 16 * KiB) });
    };
    server = await start(app, { ...LIMITS, write_timeout: 30 });
    const c = client(server.url("/"));
    await c.outcome;
    c.ws.pause();
    await until(() => server.server.stats().outbound_bytes > LIMITS.write_high_water_mark);
    c.ws.resume();
    const got: number[] = [];
    for (let i = 0; i < 1000; i++) got.push(Number((await c.next() as Buffer).subarray(0, 8).toString()));
    expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    c.ws.close();
  });
});

describe("a group member that does not read", () => {
  it("does not hold up the room: the others get everything, its channel fills (later messages to it are dropped), memory stays bounded", async () => {
    configure({ CHANNEL_LAYERS: { default: { BACKEND: "channels.layers.InMemoryChannelLayer" } } });
    const layer = get_channel_layer() as InMemoryChannelLayer;
    const disconnects: Array<number | null> = [];
    class Member extends AsyncWebsocketConsumer {
      override groups = ["room"];
      async room_message(event: { n: number }) { await this.send(null, message(event.n, 16 * KiB)); }
      override async disconnect(code: number | null) { disconnects.push(code); }
    }
    server = await start(Member.as_asgi(), { ...LIMITS, write_timeout: 2 }); // long enough to see its channel full
    const readers = [client(server.url("/")), client(server.url("/"))];
    await Promise.all(readers.map((c) => c.outcome));
    const reading = layer.group_members("room");
    await non_reader("/");
    await until(() => layer.group_members("room").length === 3);
    const silent = layer.group_members("room").find((m) => !reading.includes(m))!;
    const got: number[][] = [[], []];
    readers.forEach((c, k) => c.ws.on("message", (data: Buffer) => got[k]!.push(Number(data.subarray(0, 8).toString()))));
    let peak = 0;
    const total = 1000; // 16 MiB to each member
    for (let n = 0; n < total; n++) {
      await layer.group_send("room", { type: "room.message", n });
      peak = Math.max(peak, server.server.stats().outbound_bytes);
      // A room paced by its readers: nothing a reader's channel (capacity 100) would have to drop.
      if (n % 50 === 49) await until(() => got.every((g) => g.length > n - 50));
    }
    await until(() => got.every((g) => g.length === total));
    const want = Array.from({ length: total }, (_, i) => i);
    expect(got).toEqual([want, want]);
    await expect(Promise.resolve().then(() => layer.send(silent, { type: "room.message", n: -1 }))).rejects.toBeInstanceOf(ChannelFull);
    await until(() => disconnects.includes(1008), 5000);
    // Each member's buffer stays under the mark plus a message; the non-reader's queue is its channel's capacity.
    expect(peak).toBeLessThanOrEqual(3 * (LIMITS.write_high_water_mark + 16 * KiB));
    readers.forEach((c) => c.ws.close());
  });
});

describe("shutting down", () => {
  it("does not wait for a client that reads nothing to answer its close", async () => {
    class Sender extends AsyncWebsocketConsumer {
      override async connect() {
        await this.accept();
        for (let i = 0; i < 400; i++) void this.send(null, message(i, 60 * KiB)); // more than the kernel's buffers take
      }
    }
    server = await start(Sender.as_asgi(), { ...LIMITS, write_limit: 64 * 1024 * KiB, write_timeout: 60 });
    await non_reader("/");
    await until(() => server.server.stats().outbound_bytes > 0);
    // ws waits 30 s for a close frame back; the client here never reads the server's.
    const closed = await Promise.race([server.server.close().then(() => "closed"), new Promise((r) => setTimeout(r, 5000, "still open"))]);
    expect(closed).toBe("closed");
  }, 15_000);
});
