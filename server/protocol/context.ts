// What a connection needs from its server: settings, logging, the ws server, and the live-instance registry.
import type { WebSocketServer } from "ws";
import type { ApplicationInstance } from "./instance.ts";

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface ProtocolServerOptions {
  /** Seconds the app has to accept or close a websocket before the connection is dropped (Daphne: 5). */
  handshake_timeout: number;
  /** Seconds an app may run after its client left before it is stopped (Daphne: 10). */
  application_close_timeout: number;
  /** Largest websocket message, in bytes, either way (Daphne 4.2: 1 MiB). Larger inbound ones close with 1009. */
  max_message_size: number;
  /** Largest HTTP request body, in bytes. */
  max_request_body: number;
  /** Seconds without a frame from the client before the server pings it (Daphne: 20). */
  ping_interval: number;
  /** Seconds to wait for the pong before dropping the connection (Daphne: 30). */
  ping_timeout: number;
  /** Client events queued for a busy app before the server stops reading that socket. */
  max_backlog: number;
  /** Bytes of client messages queued for a busy app before the server stops reading that socket. */
  max_backlog_bytes: number;
  /** Bytes waiting to go to a client above which the app's `send` waits for them to drain. */
  write_high_water_mark: number;
  /** Bytes waiting to go to a client above which the connection is closed (1008): its app cannot wait. */
  write_limit: number;
  /** Seconds a client may stay over write_high_water_mark without reading anything before it is closed (1008). */
  write_timeout: number;
  logger: Logger;
}

export interface ServerContext {
  readonly options: ProtocolServerOptions;
  readonly log: Logger;
  readonly wss: WebSocketServer;
  /** Registers a running instance; it counts as live until `untrack` (it finished) or it is stopped. */
  track(instance: ApplicationInstance): void;
  untrack(instance: ApplicationInstance): void;
  /** The client left: the app has application_close_timeout seconds to finish. */
  client_left(instance: ApplicationInstance, what: string): void;
  connection_opened(connection: { shutdown(): void }): void;
  connection_closed(connection: { shutdown(): void }): void;
}

export const console_logger = (level: "debug" | "info" | "warn" | "error" = "info"): Logger => {
  const order = ["debug", "info", "warn", "error"];
  const on = (l: string) => order.indexOf(l) >= order.indexOf(level);
  return {
    debug: (m) => on("debug") && console.debug(m),
    info: (m) => on("info") && console.log(m),
    warn: (m) => on("warn") && console.warn(m),
    error: (m, e) => on("error") && console.error(e instanceof Error && e.stack ? `${m}\n${e.stack}` : m),
  };
};
