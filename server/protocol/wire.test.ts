// Byte-level findings from fuzzing: each case is driven through a bare TCP socket.
import { afterEach, describe, expect, it } from "vitest";
import { AsyncWebsocketConsumer, type Bytes } from "../channels/index.ts";
import { client_frame, close_code, OP, RawClient } from "./raw-socket.ts";
import { raw_request, start, until, upgrade_request, type TestServer } from "./test-support.ts";

let server: TestServer;
const raws: RawClient[] = [];
afterEach(async () => {
  for (const r of raws.splice(0)) r.socket.destroy();
  await server?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function raw(path: string, after?: Buffer, request?: string): RawClient {
  const r = new RawClient(server.port, path, after, request);
  raws.push(r);
  return r;
}

function echo(accept_after_ms = 0) {
  return class Echo extends AsyncWebsocketConsumer {
    override async connect() {
      if (accept_after_ms > 0) await sleep(accept_after_ms);
      await this.accept();
    }
    override async receive(text_data?: string, bytes_data?: Bytes) { await this.send(text_data ?? null, bytes_data ?? null); }
  }.as_asgi();
}

describe("frames sent before the handshake completes", () => {
  it("reach the app, in order, when they share the upgrade request's packet", async () => {
    server = await start(echo());
    const r = raw("/", Buffer.concat([client_frame(OP.text, "one"), client_frame(OP.text, "two")]));
    r.write(client_frame(OP.text, "three"));
    await until(() => r.texts().length === 3);
    expect(r.status).toBe("HTTP/1.1 101 Switching Protocols");
    expect(r.texts()).toEqual(["one", "two", "three"]);
  });

  it("reach the app, in order, when they arrive while the app decides", async () => {
    server = await start(echo(150));
    const r = raw("/", client_frame(OP.text, "one"));
    await sleep(30);
    r.write(Buffer.concat([client_frame(OP.text, "two"), client_frame(OP.text, "thr", false), client_frame(OP.continuation, "ee")]));
    await until(() => r.status !== null);
    r.write(client_frame(OP.text, "four"));
    await until(() => r.texts().length === 4);
    expect(r.texts()).toEqual(["one", "two", "three", "four"]);
  });
});

describe("control frames", () => {
  it("answers every ping of a burst in one read, in order, and keeps the connection", async () => {
    server = await start(echo());
    const r = raw("/");
    await until(() => r.status !== null);
    const pings = Array.from({ length: 500 }, (_, i) => client_frame(OP.ping, `p${i}`));
    r.write(Buffer.concat([...pings, client_frame(OP.text, "still here")]));
    await until(() => r.texts().length === 1);
    const pongs = r.frames.filter((f) => f.opcode === OP.pong).map((f) => f.payload.toString());
    expect(pongs).toEqual(Array.from({ length: 500 }, (_, i) => `p${i}`));
    expect(r.close_frame()).toBeUndefined();
    expect(r.ended).toBe(false);
  });
});

describe("length fields", () => {
  it("closes with 1002 (protocol error) on a 64-bit length whose most significant bit is set", async () => {
    server = await start(echo());
    const r = raw("/");
    await until(() => r.status !== null);
    const header = Buffer.from([0x82, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]);
    r.write(Buffer.concat([header, Buffer.from("hello")]));
    await until(() => r.close_frame() !== undefined);
    expect(close_code(r.close_frame()!.payload)).toBe(1002);
  });

  it("still closes with 1009 on a legal 64-bit length over max_message_size", async () => {
    server = await start(echo(), { max_message_size: 1000 });
    const r = raw("/");
    await until(() => r.status !== null);
    r.write(Buffer.from([0x82, 0x80 | 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    await until(() => r.close_frame() !== undefined);
    expect(close_code(r.close_frame()!.payload)).toBe(1009);
  });
});

describe("fragmented messages", () => {
  it("delivers a message in 16,384 fragments and closes with 1008 on one more", async () => {
    server = await start(echo());
    const message = (fragments: number) => Buffer.concat([
      client_frame(OP.text, "a", false),
      ...Array.from({ length: fragments - 2 }, () => client_frame(OP.continuation, "", false)),
      client_frame(OP.continuation, "b"),
    ]);
    const ok = raw("/", message(16_384));
    await until(() => ok.texts().length === 1);
    expect(ok.texts()).toEqual(["ab"]);
    const over = raw("/", message(16_385));
    await until(() => over.close_frame() !== undefined);
    expect(close_code(over.close_frame()!.payload)).toBe(1008);
    expect(over.texts()).toEqual([]);
  });
});

describe("upgrade requests Daphne refuses", () => {
  it("answers 400 to an HTTP/1.0 upgrade and to one without Host, before any app sees them", async () => {
    let calls = 0;
    server = await start(async () => { calls++; });
    const http10 = upgrade_request("/").replace("HTTP/1.1", "HTTP/1.0");
    const no_host = upgrade_request("/", { Host: "" });
    for (const [request, text] of [[http10, "needs HTTP/1.1"], [no_host, "Missing Host header"]] as const) {
      const answer = await raw_request(server.port, request);
      expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(answer).toContain(text);
    }
    expect(calls).toBe(0);
  });
});
