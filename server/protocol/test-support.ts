// Helpers for the protocol server's tests: a server on a free loopback port with its log captured,
// raw-socket handshakes, and a ws client that records what it sees.
import { connect } from "node:net";
import { WebSocket } from "ws";
import type { ASGIApp } from "../channels/index.ts";
import type { Logger, ProtocolServerOptions } from "./context.ts";
import { ProtocolServer } from "./server.ts";

export interface TestServer {
  server: ProtocolServer;
  port: number;
  url: (path: string) => string;
  logs: string[];
  close(): Promise<void>;
}

export async function start(app: ASGIApp, options: Partial<ProtocolServerOptions> = {}): Promise<TestServer> {
  const logs: string[] = [];
  const logger: Logger = {
    debug: (m) => logs.push(`debug ${m}`),
    info: (m) => logs.push(`info ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
    error: (m) => logs.push(`error ${m}`),
  };
  const server = new ProtocolServer(app, { logger, ...options });
  const { port } = await server.listen(0, "127.0.0.1");
  return { server, port, logs, url: (path) => `ws://127.0.0.1:${port}${path}`, close: () => server.close() };
}

export const KEY = "dGhlIHNhbXBsZSBub25jZQ==";

/** Sends a raw upgrade request and returns everything the server wrote until it closed, or "reset". */
export function raw_request(port: number, request: string, wait_ms = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    const timer = setTimeout(() => { socket.destroy(); resolve(data || "no answer"); }, wait_ms);
    socket.on("data", (chunk) => (data += chunk.toString("latin1")));
    socket.on("error", (error: NodeJS.ErrnoException) => { clearTimeout(timer); resolve(error.code === "ECONNRESET" ? "reset" : error.message); });
    socket.on("close", () => { clearTimeout(timer); resolve(data); });
    socket.write(request);
  });
}

export function upgrade_request(path: string, headers: Record<string, string> = {}): string {
  const all = { Host: "127.0.0.1", Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Key": KEY, "Sec-WebSocket-Version": "13", ...headers };
  return `GET ${path} HTTP/1.1\r\n${Object.entries(all).filter(([, v]) => v !== "").map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
}

export interface Client {
  ws: WebSocket;
  /** "open", `http <status>`, or the error message. */
  outcome: Promise<string>;
  messages: Array<string | Buffer>;
  next(): Promise<string | Buffer>;
  closed: Promise<{ code: number; reason: string }>;
}

export function client(url: string, protocols: string[] = [], options: ConstructorParameters<typeof WebSocket>[2] = {}): Client {
  const ws = new WebSocket(url, protocols, options);
  const messages: Array<string | Buffer> = [];
  const waiting: Array<(m: string | Buffer) => void> = [];
  ws.on("message", (data: Buffer, binary: boolean) => {
    const m = binary ? data : data.toString();
    const w = waiting.shift();
    if (w) w(m);
    else messages.push(m);
  });
  const outcome = new Promise<string>((resolve) => {
    ws.on("open", () => resolve("open"));
    ws.on("unexpected-response", (_req, res) => { resolve(`http ${res.statusCode}`); ws.terminate(); });
    ws.on("error", (e) => resolve(e.message));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const next = () => (messages.length > 0 ? Promise.resolve(messages.shift()!) : new Promise<string | Buffer>((r) => waiting.push(r)));
  return { ws, outcome, messages, next, closed };
}

export const until = async (check: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};
