// A playground server on a free loopback port, and the clients its tests drive: the control socket a UI
// would open, and test clients connecting to the session.
import { WebSocket } from "ws";
import { URLRouter } from "../channels/index.ts";
import type { Logger, ProtocolServerOptions } from "../protocol/context.ts";
import { ProtocolServer } from "../protocol/server.ts";
import { client, type Client } from "../protocol/test-support.ts";
import { create_playground, type Playground } from "./app.ts";
import type { RunResult } from "./session.ts";
import { DEFAULT_PLAYGROUND_OPTIONS, type PlaygroundOptions } from "./sessions.ts";
import type { ServerMessage, TraceRecord } from "./protocol.ts";

export interface PlaygroundServer {
  server: ProtocolServer;
  playground: Playground;
  origin: string;
  logs: string[];
  /** A new session with its control socket open and greeted. */
  session(): Promise<ControlClient>;
  close(): Promise<void>;
}

export async function start_playground(options: Partial<PlaygroundOptions> = {}, server_options: Partial<ProtocolServerOptions> = {}): Promise<PlaygroundServer> {
  const logs: string[] = [];
  const logger: Logger = { debug: () => {}, info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) };
  const playground = create_playground({ ...DEFAULT_PLAYGROUND_OPTIONS, log: logger.warn, ...options });
  const server = new ProtocolServer(URLRouter(playground.routes), {
    logger, handshake_timeout: options.handshake_timeout_s ?? DEFAULT_PLAYGROUND_OPTIONS.handshake_timeout_s, ...server_options,
  });
  playground.install(server.web);
  const { port } = await server.listen(0, "127.0.0.1");
  const origin = `http://127.0.0.1:${port}`;
  playground.origins.push(origin);
  return {
    server, playground, origin, logs,
    async session() {
      const response = await fetch(`${origin}/api/sessions`, { method: "POST", headers: { Origin: origin } });
      const info = (await response.json()) as { session: string; token: string; ws_path: string; control_path: string };
      const control = await ControlClient.open(`ws://127.0.0.1:${port}${info.control_path}`, origin);
      await control.hello(info.token);
      control.ws_base = `ws://127.0.0.1:${port}${info.ws_path}`;
      control.id = info.session;
      return control;
    },
    async close() {
      playground.close();
      await server.close();
    },
  };
}

export class ControlClient {
  readonly messages: ServerMessage[] = [];
  readonly records: TraceRecord[] = [];
  dropped = 0;
  ws_base = "";
  id = "";
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      this.messages.push(message);
      if (message.type === "trace") {
        this.records.push(...message.records);
        this.dropped += message.dropped ?? 0;
      }
      for (const waiter of this.waiters.splice(0)) waiter();
    });
  }

  static async open(url: string, origin: string): Promise<ControlClient> {
    const ws = new WebSocket(url, { origin });
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    return new ControlClient(ws);
  }

  send(message: unknown): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** Resolves with the first message (from `from` on) that `test` accepts. */
  async next<T extends ServerMessage>(test: (m: ServerMessage) => m is T, from = 0, ms = 5000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.messages.slice(from).find(test);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no matching control message; got ${JSON.stringify(this.messages.slice(from)).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async hello(token: string): Promise<void> {
    this.send({ type: "hello", token });
    await this.next((m): m is Extract<ServerMessage, { type: "welcome" }> => m.type === "welcome");
  }

  async run(code: string): Promise<RunResult> {
    const from = this.messages.length;
    this.send({ type: "run", code });
    return this.next((m): m is Extract<ServerMessage, { type: "run_result" }> => m.type === "run_result", from, 10_000);
  }

  /** Waits until the trace has a record that `test` accepts, and returns it. */
  async record(test: (r: TraceRecord) => boolean, ms = 5000): Promise<TraceRecord> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.records.find(test);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no matching trace record; last: ${JSON.stringify(this.records.slice(-5))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** A new test client's round trip, `text` in and `reply` out: the session, and the server, still serve. */
  async serves(text = "ping", reply = text, label = "check"): Promise<void> {
    const c = this.client("", label);
    const outcome = await c.outcome;
    if (outcome !== "open") throw new Error(`a new client of the session did not connect: ${outcome}`);
    c.ws.send(text);
    const got = await c.next();
    c.ws.close();
    if (got !== reply) throw new Error(`the session answered ${JSON.stringify(String(got)).slice(0, 200)}, not ${JSON.stringify(reply)}`);
  }

  /** A test client on the session, named `label` in the log. */
  client(path = "", label = "alice", protocols: string[] = []): Client {
    const separator = path.includes("?") ? "&" : "?";
    return client(`${this.ws_base}${path}${separator}_client=${encodeURIComponent(label)}`, protocols);
  }

  close(): void {
    this.ws.close();
  }
}
