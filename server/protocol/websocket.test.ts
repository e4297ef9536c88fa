import { afterEach, describe, expect, it } from "vitest";
import {
  AsyncConsumer, AsyncWebsocketConsumer, StopConsumer, URLRouter, path, type ASGIApp, type Bytes, type WebSocketScope,
  type WebSocketDisconnectEvent,
} from "../channels/index.ts";
import { client, raw_request, start, until, upgrade_request, type TestServer } from "./test-support.ts";

let server: TestServer;
afterEach(async () => server?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const latin1 = (b: Bytes) => Buffer.from(b).toString("latin1");

/** A consumer whose behaviour each test sets, recording the disconnect code it got. */
function recording(connect: (c: AsyncWebsocketConsumer) => Promise<void> = (c) => c.accept()) {
  const disconnects: Array<number | null> = [];
  const scopes: WebSocketScope[] = [];
  class Recording extends AsyncWebsocketConsumer {
    override async connect() { scopes.push(this.scope); await connect(this); }
    override async receive(text_data?: string, bytes_data?: Bytes) {
      if (text_data === "close 4001") await this.close(4001);
      else if (text_data === "close 1001") await this.close(1001);
      else if (text_data === "empty") await this.send("");
      else if (text_data === "boom") throw new Error("boom");
      else await this.send(text_data ?? null, bytes_data ?? null);
    }
    override async disconnect(code: number | null) { disconnects.push(code); }
  }
  return { app: Recording.as_asgi(), disconnects, scopes };
}

describe("the websocket scope", () => {
  it("is built from the upgrade request as Daphne builds it", async () => {
    const { app, scopes } = recording((c) => c.accept("chat.v1"));
    server = await start(app);
    const c = client(server.url("/ws/caf%C3%A9/room?x=1&y=%20"), ["chat.v1", "chat.v2"], {
      headers: { "X-Custom": "Value", "X_Dropped": "x", Origin: "http://localhost" },
    });
    expect(await c.outcome).toBe("open");
    const scope = scopes[0]!;
    expect(scope.type).toBe("websocket");
    expect(scope.path).toBe("/ws/café/room");
    expect(latin1(scope.raw_path!)).toBe("/ws/caf%C3%A9/room");
    expect(latin1(scope.query_string)).toBe("x=1&y=%20");
    expect(scope.subprotocols).toEqual(["chat.v1", "chat.v2"]);
    const headers = Object.fromEntries(scope.headers.map(([k, v]) => [latin1(k), latin1(v)]));
    expect(headers["x-custom"]).toBe("Value");
    expect(headers.origin).toBe("http://localhost");
    expect(Object.keys(headers).some((k) => k.includes("_"))).toBe(false);
    expect(scope.client![0]).toBe("127.0.0.1");
    expect(scope.server).toEqual(["127.0.0.1", server.port]);
    expect(scope.asgi).toEqual({ version: "3.0" });
    c.ws.close();
  });
});

describe("the handshake", () => {
  it("completes only when the app accepts, with the subprotocol it chose", async () => {
    const { app } = recording(async (c) => { await sleep(150); await c.accept("chat.v2"); });
    server = await start(app);
    const started = Date.now();
    const c = client(server.url("/"), ["chat.v1", "chat.v2"]);
    expect(await c.outcome).toBe("open");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(c.ws.protocol).toBe("chat.v2");
    c.ws.close();
  });

  it("answers a close before accept with exactly `403 Access denied`, and the app gets disconnect 1006", async () => {
    const { app, disconnects } = recording((c) => c.close(4003));
    server = await start(app);
    expect(await raw_request(server.port, upgrade_request("/"))).toBe("HTTP/1.1 403 Access denied\r\n\r\n");
    await until(() => disconnects.length === 1);
    expect(disconnects).toEqual([1006]);
  });

  it("answers app errors before accept with 500: no route, an exception in connect, send before accept, an unoffered subprotocol", async () => {
    const cases: Array<[string, (c: AsyncWebsocketConsumer) => Promise<void>]> = [
      ["exception", async () => { throw new Error("connect failed"); }],
      ["send", (c) => c.send("too early")],
      ["subprotocol", (c) => c.accept("not-offered")],
    ];
    const app = URLRouter(cases.map(([name, connect]) => path(`${name}/`, recording(connect).app)));
    server = await start(app);
    for (const target of ["/nope/", ...cases.map(([name]) => `/${name}/`)]) {
      expect(await raw_request(server.port, upgrade_request(target))).toBe("HTTP/1.1 500 Internal server error\r\n\r\n");
    }
    expect(server.logs.filter((l) => l.startsWith("error Exception inside application: "))).toEqual([
      "error Exception inside application: No route found for path 'nope/'.",
      "error Exception inside application: connect failed",
      "error Exception inside application: Socket has not been accepted, so cannot send over it",
      `error Exception inside application: Subprotocol 'not-offered' was not offered by the client (offered: [])`,
    ]);
  });

  it("drops a handshake the app never answers at the timeout, with a reset; the app gets disconnect 1006", async () => {
    const disconnects: Array<number | null> = [];
    class Silent extends AsyncConsumer {
      async websocket_connect() {}
      async websocket_disconnect(event: WebSocketDisconnectEvent) { disconnects.push(event.code); }
    }
    server = await start(Silent.as_asgi(), { handshake_timeout: 0.2 });
    const started = Date.now();
    expect(await raw_request(server.port, upgrade_request("/"))).toBe("reset");
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(disconnects).toEqual([1006]);
  });

  it("refuses malformed upgrades with 400 before any app sees them", async () => {
    let calls = 0;
    const app: ASGIApp = async () => { calls++; };
    server = await start(app);
    for (const [request, text] of [
      [upgrade_request("/", { "Sec-WebSocket-Key": "short" }), "Missing or invalid Sec-WebSocket-Key header"],
      [upgrade_request("/", { "Sec-WebSocket-Version": "12" }), "Missing or invalid Sec-WebSocket-Version header"],
      [upgrade_request("/", { Upgrade: "", Connection: "" }), "it needs both 'Upgrade: websocket' and 'Connection: Upgrade'"],
      [upgrade_request("/", { Upgrade: "h2c" }), "Invalid Upgrade header"],
    ] as const) {
      const answer = await raw_request(server.port, request);
      expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(answer).toContain(text);
    }
    expect(calls).toBe(0);
  });
});

describe("an accepted connection", () => {
  it("delivers text and binary frames, echoes them, and drops empty payloads as Daphne does", async () => {
    const { app } = recording();
    server = await start(app);
    const c = client(server.url("/"));
    await c.outcome;
    c.ws.send("hello");
    c.ws.send(Buffer.from([0, 1, 255]));
    c.ws.send("empty");
    c.ws.send("after");
    expect(await c.next()).toBe("hello");
    expect([...(await c.next() as Buffer)]).toEqual([0, 1, 255]);
    expect(await c.next()).toBe("after"); // the empty payload was not sent
    c.ws.close();
  });

  it("passes the client's close code to disconnect, and null for an empty close frame", async () => {
    const { app, disconnects } = recording();
    server = await start(app);
    for (const code of [4001, undefined, 1000]) {
      const c = client(server.url("/"));
      await c.outcome;
      c.ws.close(code);
      await c.closed;
    }
    await until(() => disconnects.length === 3);
    expect(disconnects).toEqual([4001, null, 1000]);
  });

  it("closes with the app's code; an invalid code is an app error and the client gets 1011", async () => {
    const { app, disconnects } = recording();
    server = await start(app);
    const good = client(server.url("/"));
    await good.outcome;
    good.ws.send("close 4001");
    expect((await good.closed).code).toBe(4001);
    const bad = client(server.url("/"));
    await bad.outcome;
    bad.ws.send("close 1001");
    expect((await bad.closed).code).toBe(1011);
    expect(server.logs).toContain("error Exception inside application: invalid close code 1001 (use 1000 or 3000-4999)");
    await until(() => disconnects.length === 1);
    expect(disconnects).toEqual([4001]); // the crashed app gets no disconnect
  });

  it("closes with 1011 on an app exception, logs it, and does not call disconnect", async () => {
    const { app, disconnects } = recording();
    server = await start(app);
    const c = client(server.url("/"));
    await c.outcome;
    c.ws.send("boom");
    expect((await c.closed).code).toBe(1011);
    expect(server.logs).toContain("error Exception inside application: boom");
    await sleep(50);
    expect(disconnects).toEqual([]);
    expect(server.server.stats().app_instances).toBe(0);
  });

  it("keeps the socket open when the app ends cleanly, and drops later frames", async () => {
    class Quitter extends AsyncConsumer {
      async websocket_connect() { await this.send({ type: "websocket.accept" }); }
      async websocket_receive() { throw new StopConsumer(); } // ends the app without closing the socket
    }
    server = await start(Quitter.as_asgi());
    const c = client(server.url("/"));
    await c.outcome;
    c.ws.send("stop");
    await until(() => server.server.stats().app_instances === 0);
    c.ws.send("to nobody");
    await sleep(50);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    c.ws.close();
  });
});

describe("limits", () => {
  it("closes with 1009 on an inbound message over max_message_size; outbound ones are an app error (1011)", async () => {
    class Big extends AsyncWebsocketConsumer {
      override async receive(text_data?: string) { await this.send("x".repeat(Number(text_data))); }
    }
    server = await start(Big.as_asgi(), { max_message_size: 1000 });
    const inbound = client(server.url("/"));
    await inbound.outcome;
    inbound.ws.send("x".repeat(1001));
    expect((await inbound.closed).code).toBe(1009);
    const outbound = client(server.url("/"));
    await outbound.outcome;
    outbound.ws.send("1000");
    expect(((await outbound.next()) as string).length).toBe(1000);
    outbound.ws.send("1001");
    expect((await outbound.closed).code).toBe(1011);
    expect(server.logs.some((l) => l.includes("exceeds the 1000-byte limit"))).toBe(true);
  });

  it("pings an idle client, and drops one that never answers", async () => {
    const { app, disconnects } = recording();
    server = await start(app, { ping_interval: 0.1, ping_timeout: 0.15 });
    const answering = client(server.url("/"));
    let pings = 0;
    answering.ws.on("ping", () => pings++);
    const silent = client(server.url("/"), [], { autoPong: false });
    await Promise.all([answering.outcome, silent.outcome]);
    expect((await silent.closed).code).toBe(1006);
    expect(pings).toBeGreaterThan(0);
    expect(answering.ws.readyState).toBe(answering.ws.OPEN);
    await until(() => disconnects.length === 1);
    answering.ws.close();
  });

  it("stops an app that has not finished application_close_timeout after its client left", async () => {
    class Lingering extends AsyncConsumer {
      async websocket_connect() { await this.send({ type: "websocket.accept" }); }
      async websocket_disconnect() { /* never raises StopConsumer */ }
    }
    server = await start(Lingering.as_asgi(), { application_close_timeout: 0.1 });
    const c = client(server.url("/"));
    await c.outcome;
    expect(server.server.stats().app_instances).toBe(1);
    c.ws.close();
    await until(() => server.server.stats().app_instances === 0);
    expect(server.logs.some((l) => l.startsWith("warn Application instance for websocket / took too long to shut down and was killed"))).toBe(true);
  });

  it("stops reading a flooding client while its app is busy, and loses nothing", async () => {
    class Slow extends AsyncWebsocketConsumer {
      override async receive(text_data?: string) { await sleep(1); await this.send(text_data); }
    }
    server = await start(Slow.as_asgi(), { max_backlog: 8 });
    const c = client(server.url("/"));
    await c.outcome;
    for (let i = 0; i < 300; i++) c.ws.send(String(i));
    const got: string[] = [];
    for (let i = 0; i < 300; i++) got.push((await c.next()) as string);
    expect(got).toEqual(Array.from({ length: 300 }, (_, i) => String(i)));
    c.ws.close();
  });
});
