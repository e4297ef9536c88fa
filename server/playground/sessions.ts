// The playground's sessions: created on request up to a cap, reaped when idle.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { project_root } from "../paths.ts";
import { Session, type SessionOptions } from "./session.ts";

export interface PlaygroundOptions extends SessionOptions {
  max_sessions: number;
  /**
   * Seconds a session with no test-client connection lives on without a viewer, or with viewers that only
   * ping: a tab left open and untouched, or a script holding a control socket, does not keep it forever.
   */
  idle_timeout_s: number;
  /** A secret that lets a script without the playground's Origin create sessions (Authorization: Bearer ...). */
  api_token?: string;
}

export const DEFAULT_PLAYGROUND_OPTIONS: PlaygroundOptions = {
  handler_timeout_ms: 1000,
  memory_mb: 64,
  max_connections: 20,
  trace_buffer: 5000,
  handshake_timeout_s: 5,
  max_sessions: 20,
  idle_timeout_s: 600,
};

/** The module a new session starts with: the tutorial's own consumer. */
export function default_code(): string {
  return readFileSync(join(project_root(), "server/examples/seed.ts"), "utf8");
}

export class PlaygroundFull extends Error {}

export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private readonly reaper: NodeJS.Timeout;

  constructor(readonly options: PlaygroundOptions) {
    this.reaper = setInterval(() => this.reap(), Math.min(30_000, options.idle_timeout_s * 500));
    this.reaper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** A new session, already serving the default module. */
  async create(code = default_code()): Promise<Session> {
    if (this.sessions.size >= this.options.max_sessions) {
      throw new PlaygroundFull(`The playground is full (${this.options.max_sessions} sessions); try again later`);
    }
    const session = new Session(this.options);
    this.sessions.set(session.id, session);
    await session.run(code);
    return session;
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  reap(now = Date.now()): void {
    for (const [id, session] of this.sessions) {
      if (session.connection_count === 0 && now - session.last_active > this.options.idle_timeout_s * 1000) {
        session.close();
        this.sessions.delete(id);
      }
    }
  }

  close(): void {
    clearInterval(this.reaper);
    for (const session of this.sessions.values()) session.close();
    this.sessions.clear();
  }
}
