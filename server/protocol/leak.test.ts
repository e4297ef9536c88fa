// Clients that vanish at any point leave nothing behind: 1,000 connections dropped in every state.
import { connect } from "node:net";
import { afterEach, expect, it } from "vitest";
import { AsyncConsumer, AsyncWebsocketConsumer, URLRouter, path, type Bytes } from "../channels/index.ts";
import { client, start, until, upgrade_request, type TestServer } from "./test-support.ts";

let server: TestServer;
afterEach(async () => server?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class SlowAccept extends AsyncWebsocketConsumer {
  override async connect() { await sleep(20); await this.accept(); }
}
class Echo extends AsyncWebsocketConsumer {
  override async receive(text_data?: string, bytes_data?: Bytes) { await this.send(text_data ?? null, bytes_data ?? null); }
}
/** The seed's shape: never accepts and never stops by itself. */
class NeverAccepts extends AsyncConsumer {
  async websocket_connect() {}
  async websocket_disconnect() {}
}

/** Opens a raw socket, writes `data`, and destroys it after `after_ms`. */
function drop_raw(port: number, data: string | Buffer, after_ms: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      if (data.length > 0) socket.write(data);
      setTimeout(() => socket.destroy(), after_ms);
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve());
  });
}

async function open_then(url: string, finish: (c: ReturnType<typeof client>) => void): Promise<void> {
  const c = client(url);
  await c.outcome;
  finish(c);
  await c.closed;
}

it("returns to zero live app instances after 1,000 connections dropped in every state", async () => {
  const app = URLRouter([
    path("slow/", SlowAccept.as_asgi()),
    path("echo/", Echo.as_asgi()),
    path("never/", NeverAccepts.as_asgi()),
  ]);
  server = await start(app, { handshake_timeout: 0.05, application_close_timeout: 0.2 });
  const port = server.port;
  // A frame header announcing 100 bytes, with only 3 of them sent: the client vanishes mid-message.
  const partial_frame = Buffer.from([0x81, 0x80 | 100, 1, 2, 3, 4, 65, 66, 67]);
  const ways: Array<() => Promise<void>> = [
    () => drop_raw(port, "", 1), // connected, said nothing
    () => drop_raw(port, "GET /echo/ HTTP/1.1\r\nHost: x\r\nUpg", 1), // half a request line
    () => drop_raw(port, upgrade_request("/slow/"), 2), // while the app is deciding
    () => drop_raw(port, upgrade_request("/never/"), 1), // an app that never answers
    () => drop_raw(port, upgrade_request("/never/"), 100), // dropped by the handshake timeout first
    () => drop_raw(port, Buffer.concat([Buffer.from(upgrade_request("/echo/")), partial_frame]), 20), // mid-message
    () => open_then(server.url("/echo/"), (c) => c.ws.terminate()), // open, then TCP loss
    () => open_then(server.url("/echo/"), (c) => { c.ws.send("x"); c.ws.close(1000); }), // a clean close
    () => open_then(server.url("/slow/"), (c) => c.ws.close(4000)),
    () => drop_raw(port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc", 5), // HTTP body cut short
  ];
  let opened = 0;
  while (opened < 1000) {
    const batch = [];
    for (let i = 0; i < 50; i++, opened++) batch.push(ways[opened % ways.length]!());
    await Promise.all(batch);
  }
  expect(opened).toBe(1000);
  await until(() => server.server.stats().app_instances === 0, 5000);
  expect(server.server.stats()).toEqual({ app_instances: 0, websocket_connections: 0, outbound_bytes: 0, inbound_bytes: 0 });
}, 60_000);
