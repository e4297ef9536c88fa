// One server variant in this process; a child process opens idle connections to it; prints the heap
// growth per connection after full collections. Run from a bundle by bench/memory.ts.
import { fork } from "node:child_process";
import { WebSocketServer } from "ws";
import { AsyncWebsocketConsumer, type ASGIApp } from "../server/channels/index.ts";
import { ProtocolServer } from "../server/protocol/server.ts";

const variant = process.argv[2] as "raw" | "asgi" | "consumer" | "app";
const count = Number(process.argv[3] ?? 2000);
const client_script = process.argv[4]!; // passed in: this file runs from a bundle elsewhere
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

class Echo extends AsyncWebsocketConsumer {
  override async receive(text_data?: string) { await this.send(text_data); }
}
/** The least an ASGI app can hold: accept, then wait for events. */
const bare: ASGIApp = async (_scope, receive, send) => {
  await receive();
  await send({ type: "websocket.accept" });
  while ((await receive()).type !== "websocket.disconnect");
};

async function listen(): Promise<[number, string]> {
  if (variant === "raw") {
    const wss = new WebSocketServer({ port: 0, host: "127.0.0.1", perMessageDeflate: false });
    await new Promise((r) => wss.once("listening", r));
    wss.on("connection", (ws) => ws.on("message", (data, binary) => ws.send(data, { binary })));
    return [(wss.address() as { port: number }).port, "/"];
  }
  // Imported only here: the example app configures CHANNEL_LAYERS, which the other variants must not have.
  const app = variant === "asgi" ? bare : variant === "consumer" ? Echo.as_asgi() : (await import("../server/examples/asgi.ts")).application;
  const { port } = await new ProtocolServer(app, { logger: quiet }).listen();
  return [port, variant === "app" ? "/ws/async-echo/" : "/"];
}

const heap = async () => {
  for (let i = 0; i < 3; i++) {
    (globalThis as { gc?: () => void }).gc!();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().heapUsed;
};

const [port, path] = await listen();
let result = 0;
for (const round of [0, 1]) { // the first round warms up code and pools
  const before = await heap();
  const child = fork(client_script, [`ws://127.0.0.1:${port}${path}`, String(count)]);
  await new Promise((r) => child.once("message", r));
  result = ((await heap()) - before) / count;
  child.kill();
  await new Promise((r) => child.once("exit", r));
  await new Promise((r) => setTimeout(r, 300 * (round + 1)));
}
console.log(JSON.stringify({ variant, bytes_per_connection: Math.round(result) }));
process.exit(0);
