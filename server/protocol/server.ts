// The protocol server (Daphne's role): one Node http.Server shared by Express, for HTTP, and ws, for
// websocket upgrades; every connection becomes an ASGI scope and one application instance.
import express from "express";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type ServerOptions } from "ws";
import type { ASGIApp } from "../channels/index.ts";
import { console_logger, type Logger, type ProtocolServerOptions, type ServerContext } from "./context.ts";
import { HandshakeError, OptionError } from "./errors.ts";
import { check_upgrade, half_handshake, refuse_handshake } from "./handshake.ts";
import { serve_http } from "./http.ts";
import "./ws-receiver.ts";
import type { ApplicationInstance } from "./instance.ts";
import { accepted_subprotocol, add_accept_headers, WebSocketConnection } from "./websocket.ts";

export const DEFAULT_OPTIONS: ProtocolServerOptions = {
  handshake_timeout: 5,
  application_close_timeout: 10,
  max_message_size: 1024 * 1024,
  max_request_body: 10 * 1024 * 1024,
  ping_interval: 20,
  ping_timeout: 30,
  max_backlog: 256,
  max_backlog_bytes: 1024 * 1024,
  write_high_water_mark: 1024 * 1024,
  write_limit: 16 * 1024 * 1024,
  write_timeout: 30,
  logger: console_logger(),
};

export interface Listening {
  host: string;
  port: number;
  url: string;
}

export class ProtocolServer implements ServerContext {
  readonly options: ProtocolServerOptions;
  readonly log: Logger;
  /** The HTTP side. Add your own routes before listen(); what they do not answer goes to the ASGI app. */
  readonly web: express.Express;
  readonly http: Server;
  readonly wss: WebSocketServer;
  private readonly live = new Set<ApplicationInstance>();
  private readonly connections = new Set<WebSocketConnection>();
  private readonly kill_timers = new Map<ApplicationInstance, NodeJS.Timeout>();
  private keepalive: NodeJS.Timeout | null = null;

  constructor(private readonly application: ASGIApp, options: Partial<ProtocolServerOptions> = {}) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    check_options(this.options);
    this.log = this.options.logger;
    this.web = express();
    this.web.disable("x-powered-by");
    this.http = createServer(this.web);
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.options.max_message_size,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: accepted_subprotocol,
      // ws drops, without a close frame, a client with 60 pongs not yet written, which 61 pings in one read
      // are; pongs are outbound bytes like any other, bounded by write_limit (WebSocketConnection.pinged).
      maxPendingAutoPongs: 0,
    } as ServerOptions);
    this.wss.on("headers", add_accept_headers);
    this.http.on("upgrade", this.on_upgrade);
  }

  private readonly on_upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    try {
      check_upgrade(req);
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error;
      this.log.warn(`Refused websocket handshake for ${req.url}: ${error.message} (${error.code})`);
      return refuse_handshake(socket, error);
    }
    new WebSocketConnection(this, this.application, req, socket, head);
  };

  private readonly on_request = (req: IncomingMessage, res: ServerResponse): void => {
    const refused = half_handshake(req);
    if (refused !== null) {
      res.writeHead(refused.status, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" }).end(`${refused.message}\n`);
      return;
    }
    serve_http(this, this.application, req, res);
  };

  async listen(port = 0, host = "127.0.0.1"): Promise<Listening> {
    this.web.use(this.on_request);
    await new Promise<void>((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(port, host, () => {
        this.http.off("error", reject);
        resolve();
      });
    });
    this.keepalive = setInterval(this.ping_idle, this.options.ping_interval * 1000);
    this.keepalive.unref();
    const address = this.http.address() as AddressInfo;
    const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return { host: address.address, port: address.port, url: `http://${shown}:${address.port}/` };
  }

  /**
   * Live application instances, open websocket connections, and what those connections hold: bytes waiting to go
   * to their clients and client messages waiting for their apps (for tests and monitoring; it walks every connection).
   */
  stats(): { app_instances: number; websocket_connections: number; outbound_bytes: number; inbound_bytes: number } {
    let outbound_bytes = 0;
    let inbound_bytes = 0;
    for (const connection of this.connections) {
      outbound_bytes += connection.outbound_bytes;
      inbound_bytes += connection.instance.backlog_bytes;
    }
    return { app_instances: this.live.size, websocket_connections: this.connections.size, outbound_bytes, inbound_bytes };
  }

  /** Closes websockets with 1001 (going away), stops their apps, and stops listening. */
  async close(): Promise<void> {
    if (this.keepalive !== null) clearInterval(this.keepalive);
    for (const connection of this.connections) connection.shutdown();
    for (const instance of this.live) instance.kill();
    for (const timer of this.kill_timers.values()) clearTimeout(timer);
    this.live.clear();
    this.kill_timers.clear();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  // ServerContext

  track(instance: ApplicationInstance): void {
    this.live.add(instance);
  }

  untrack(instance: ApplicationInstance): void {
    this.live.delete(instance);
    const timer = this.kill_timers.get(instance);
    if (timer !== undefined) clearTimeout(timer);
    this.kill_timers.delete(instance);
  }

  client_left(instance: ApplicationInstance, what: string): void {
    if (instance.finished || this.kill_timers.has(instance) || !this.live.has(instance)) return;
    const timer = setTimeout(() => {
      if (instance.finished) return;
      this.log.warn(
        `Application instance for ${what} took too long to shut down and was killed ` +
          `(application_close_timeout: ${this.options.application_close_timeout} s).`,
      );
      instance.kill();
      this.untrack(instance);
    }, this.options.application_close_timeout * 1000);
    timer.unref();
    this.kill_timers.set(instance, timer);
  }

  connection_opened(connection: WebSocketConnection): void {
    this.connections.add(connection);
  }

  connection_closed(connection: WebSocketConnection): void {
    this.connections.delete(connection);
  }

  /** Pings connections with no inbound frame since the last sweep; drops those whose pong is overdue. */
  private readonly ping_idle = (): void => {
    const now = Date.now();
    for (const connection of this.connections) {
      const ws = connection.ws;
      if (ws === null) continue;
      if (connection.active) {
        connection.active = false;
        connection.ping_sent_at = 0;
      } else if (connection.ping_sent_at === 0) {
        connection.ping_sent_at = now;
        ws.ping();
      } else if (now - connection.ping_sent_at > this.options.ping_timeout * 1000) {
        this.log.info("Dropping a websocket connection that did not answer a keep-alive ping");
        ws.terminate();
      }
    }
  };
}

function check_options(o: ProtocolServerOptions): void {
  // net's "drain", which ends a wait, comes only after a write found the socket over its own 16 KiB mark.
  if (!(o.write_high_water_mark >= 16 * 1024)) {
    throw new OptionError(`write_high_water_mark must be at least 16384 bytes (got ${o.write_high_water_mark})`, "INVALID_WRITE_HIGH_WATER_MARK");
  }
  // A message that fits max_message_size must fit under the limit on top of a buffer at the mark.
  if (!(o.write_limit >= o.write_high_water_mark + o.max_message_size)) {
    throw new OptionError(
      `write_limit (${o.write_limit}) must be at least write_high_water_mark + max_message_size (${o.write_high_water_mark + o.max_message_size})`,
      "INVALID_WRITE_LIMIT",
    );
  }
}
