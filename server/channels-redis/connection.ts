// One Redis server of the layer's ring: a command connection, a blocking one made when first needed, and
// what happens while Redis is away (callers wait a bounded time, the connections keep retrying).
import { Redis, type RedisOptions } from "ioredis";
import { SCRIPTS, type LayerCommands } from "./scripts.ts";

/** A `hosts` entry, as channels_redis takes them: a URL, a `[host, port]` pair, or connection options. */
export type HostSpec = string | [string, number] | ({ address?: string } & RedisOptions);

export interface LayerLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Redis could not be reached within the layer's `outage_timeout`. */
export class RedisUnavailable extends Error {
  override name = "RedisUnavailable";
  readonly code = "REDIS_UNAVAILABLE";
  constructor(readonly url: string, cause: string) {
    super(`Redis at ${url} is not reachable (${cause})`);
  }
}

export type Client = Redis & LayerCommands;

/** The URL with any password hidden, for messages. */
function display_url(spec: HostSpec): string {
  if (typeof spec === "string") return spec.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:****@");
  if (Array.isArray(spec)) return `redis://${spec[0]}:${spec[1]}`;
  if (spec.address !== undefined) return display_url(spec.address);
  return `redis://${spec.host ?? "localhost"}:${spec.port ?? 6379}/${spec.db ?? 0}`;
}

const OPTIONS: RedisOptions = {
  // RESP2 replies are the same shape on every Redis this layer supports (5 and later).
  protocol: 2,
  lazyConnect: true,
  // A command is sent only when connected, and never twice: at most once, as the channel layer spec says.
  enableOfflineQueue: false,
  autoResendUnfulfilledCommands: false,
  maxRetriesPerRequest: 0,
  // Keep trying for as long as the layer lives, at most a second apart, so service resumes soon after Redis does.
  retryStrategy: (times) => Math.min(50 * 2 ** times, 1000),
  connectTimeout: 2000,
  disableClientInfo: true,
};

function make_client(spec: HostSpec): Redis {
  if (typeof spec === "string") return new Redis(spec, OPTIONS);
  if (Array.isArray(spec)) return new Redis({ ...OPTIONS, host: spec[0], port: spec[1] });
  const { address, ...rest } = spec;
  return address !== undefined ? new Redis(address, { ...OPTIONS, ...rest }) : new Redis({ ...OPTIONS, ...rest });
}

const NOT_SENT = "Stream isn't writeable";

/** Resolves when `client` is connected, or when it is closed for good (its next command then fails). */
function up(client: Redis): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      client.off("ready", done);
      client.off("end", done);
      resolve();
    };
    client.on("ready", done);
    client.on("end", done);
  });
}

export class Shard {
  readonly url: string;
  private readonly client: Client;
  private blocking_client: Client | null = null;
  private last_error = "not connected yet";
  private down = false;
  private closed = false;
  /** Resolves when the command connection is next up; replaced when it goes down. */
  private ready: Promise<void>;
  private up = false;
  private mark_ready!: () => void;

  constructor(
    spec: HostSpec,
    private readonly outage_timeout_s: number,
    private readonly logger: LayerLogger,
    /** Called after a reconnection, so the layer can put back what a restarted Redis forgot. */
    private readonly on_reconnect: (client: Client) => void,
  ) {
    this.url = display_url(spec);
    this.client = this.watch(make_client(spec), true);
    this.ready = this.pending_ready();
  }

  private pending_ready(): Promise<void> {
    return new Promise<void>((resolve) => (this.mark_ready = resolve));
  }

  private set_ready(): void {
    this.up = true;
    this.mark_ready();
  }

  private watch(client: Redis, main: boolean): Client {
    for (const [name, { lua, keys }] of Object.entries(SCRIPTS)) {
      client.defineCommand(name, keys === undefined ? { lua } : { lua, numberOfKeys: keys });
    }
    client.on("error", (error: Error) => {
      this.last_error = error.message;
      if (main && !this.down && !this.closed) {
        this.down = true;
        this.logger.warn(`Redis at ${this.url} is not reachable (${error.message}); retrying`);
      }
    });
    if (main) {
      let connected_before = false;
      client.on("ready", () => {
        if (this.down) this.logger.info(`Redis at ${this.url} is reachable again`);
        this.down = false;
        // Before the callers waiting for Redis resume: what on_reconnect writes is sent first, so a group_send
        // that waited out the outage already finds this process's memberships back in place.
        if (connected_before) this.on_reconnect(client as Client);
        connected_before = true;
        this.set_ready();
      });
      client.on("close", () => {
        // Once per outage: every failed reconnection attempt closes again, and callers wait on one promise.
        if (this.up && !this.closed) {
          this.up = false;
          this.ready = this.pending_ready();
        }
      });
    }
    return client as Client;
  }

  /** Waits until the command connection is up: at most `timeout_s` seconds, then RedisUnavailable. */
  async until_ready(timeout_s = this.outage_timeout_s): Promise<void> {
    if (this.closed) throw new RedisUnavailable(this.url, "the channel layer was closed");
    if (this.client.status === "ready") return;
    if (this.client.status === "wait") this.client.connect().catch(() => {});
    if (!Number.isFinite(timeout_s)) return this.ready;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisUnavailable(this.url, this.last_error)), timeout_s * 1000);
    });
    try {
      await Promise.race([this.ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs `command` once connected; a command that never left (the connection dropped first) is retried. */
  async run<T>(command: (client: Client) => Promise<T>): Promise<T> {
    for (;;) {
      await this.until_ready();
      try {
        return await command(this.client);
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith(NOT_SENT))) throw this.explain(error);
      }
    }
  }

  /** Connection-level failures name the server; Redis' own errors (a wrong type, a script error) pass through. */
  explain(error: unknown): unknown {
    if (error instanceof Error && /Connection is closed|ECONNRE|EPIPE|ETIMEDOUT/.test(error.message)) {
      return new RedisUnavailable(this.url, `${error.message}; the command may or may not have run`);
    }
    return error;
  }

  /** The connection for blocking pops (BZPOPMIN holds a connection until it returns), once it is up. */
  async blocking(): Promise<Client> {
    if (this.blocking_client === null) {
      this.blocking_client = this.watch(this.client.duplicate(), false);
      this.blocking_client.connect().catch(() => {});
    }
    await up(this.blocking_client);
    return this.blocking_client;
  }

  /** A connection of its own, for a one-off blocking read; the caller closes it. */
  async dedicated(): Promise<Client> {
    const client = this.watch(this.client.duplicate(), false);
    client.connect().catch(() => {});
    await up(client);
    return client;
  }

  close(): void {
    this.closed = true;
    this.client.disconnect();
    this.blocking_client?.disconnect();
  }
}
