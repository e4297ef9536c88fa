// SessionMiddleware (channels/sessions.py) over a pluggable store; the default keeps sessions in memory.
import { ASGIObject, pythonic } from "../asgi-object.ts";
import { settings } from "../conf.ts";
import { ValueError } from "../exceptions.ts";
import type { ASGIApp, ASGISendEvent, Receive, Scope, Send } from "../types.ts";
import { CookieMiddleware, delete_cookie, set_cookie } from "./cookies.ts";

export type SessionData = Record<string, unknown>;

export interface SessionStore {
  load(session_key: string): Promise<SessionData | null>;
  save(session_key: string, data: SessionData, max_age: number): Promise<void>;
  delete(session_key: string): Promise<void>;
}

export class InMemorySessionStore implements SessionStore {
  private sessions = new Map<string, { data: string; expires: number }>();

  async load(session_key: string): Promise<SessionData | null> {
    const entry = this.sessions.get(session_key);
    if (entry === undefined) return null;
    if (entry.expires < Date.now()) {
      this.sessions.delete(session_key);
      return null;
    }
    return JSON.parse(entry.data) as SessionData;
  }

  async save(session_key: string, data: SessionData, max_age: number): Promise<void> {
    this.sessions.set(session_key, { data: JSON.stringify(data), expires: Date.now() + max_age * 1000 });
  }

  async delete(session_key: string): Promise<void> {
    this.sessions.delete(session_key);
  }
}

export const default_session_store = new InMemorySessionStore();

const KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
function new_session_key(): string {
  const crypto = (globalThis as { crypto?: { getRandomValues(a: Uint8Array): Uint8Array } }).crypto;
  const bytes = new Uint8Array(32);
  if (crypto) crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let key = "";
  for (const b of bytes) key += KEY_CHARS[b % KEY_CHARS.length];
  return key;
}

/** Django's session object, with get/set instead of item access. Saved automatically only on HTTP responses. */
export class Session {
  modified = false;

  constructor(
    private readonly store: SessionStore,
    public session_key: string | null,
    private data: SessionData = {},
  ) {}

  get<T = unknown>(key: string, fallback?: T): T | undefined {
    return Object.hasOwn(this.data, key) ? (this.data[key] as T) : fallback;
  }

  set(key: string, value: unknown): void {
    this.data[key] = value;
    this.modified = true;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.data, key);
  }

  pop<T = unknown>(key: string, fallback?: T): T | undefined {
    if (!this.has(key)) return fallback;
    const value = this.data[key] as T;
    delete this.data[key];
    this.modified = true;
    return value;
  }

  keys(): string[] {
    return Object.keys(this.data);
  }

  is_empty(): boolean {
    return this.session_key === null && Object.keys(this.data).length === 0;
  }

  get_expiry_age(): number {
    return settings.SESSION_COOKIE_AGE;
  }

  get_expire_at_browser_close(): boolean {
    return false;
  }

  async save(): Promise<void> {
    this.session_key ??= new_session_key();
    await this.store.save(this.session_key, this.data, this.get_expiry_age());
    this.modified = false;
  }

  /** Removes the data and the stored session; the next save makes a new key. */
  async flush(): Promise<void> {
    this.data = {};
    if (this.session_key !== null) await this.store.delete(this.session_key);
    this.session_key = null;
    this.modified = true;
  }

  /** Keeps the data under a new key (after login, against session fixation). */
  async cycle_key(): Promise<void> {
    const old = this.session_key;
    this.session_key = new_session_key();
    this.modified = true;
    if (old !== null) await this.store.delete(old);
    await this.store.save(this.session_key, this.data, this.get_expiry_age());
  }
}

/** Adds `scope.session` from the session cookie. Needs CookieMiddleware above it. */
export const SessionMiddleware = pythonic(
  class SessionMiddleware extends ASGIObject {
    readonly inner: ASGIApp;
    readonly store: SessionStore;

    constructor(inner: ASGIApp, store: SessionStore = default_session_store) {
      super();
      this.inner = inner;
      this.store = store;
    }

    override async __call__(scope: Scope, receive: Receive, send: Send): Promise<void> {
      if ("session" in scope) return this.inner({ ...scope }, receive, send); // an outer session middleware owns it
      if (!("cookies" in scope)) {
        throw new ValueError("No cookies in scope - SessionMiddleware needs to run inside of CookieMiddleware.");
      }
      const cookies = scope.cookies as Record<string, string>;
      const key = cookies[settings.SESSION_COOKIE_NAME] ?? null;
      const data = key === null ? null : await this.store.load(key);
      const session = new Session(this.store, data === null ? null : key, data ?? {});
      const session_send = async (message: ASGISendEvent) => {
        if (
          message.type === "http.response.start" && message.status !== 500 &&
          (session.modified || settings.SESSION_SAVE_EVERY_REQUEST)
        ) {
          const empty = session.is_empty();
          await session.save();
          if (empty) {
            if (settings.SESSION_COOKIE_NAME in cookies) {
              delete_cookie(message, settings.SESSION_COOKIE_NAME, {
                path: settings.SESSION_COOKIE_PATH, domain: settings.SESSION_COOKIE_DOMAIN,
              });
            }
          } else {
            set_cookie(message, settings.SESSION_COOKIE_NAME, session.session_key!, {
              max_age: session.get_expiry_age(), domain: settings.SESSION_COOKIE_DOMAIN,
              path: settings.SESSION_COOKIE_PATH, secure: settings.SESSION_COOKIE_SECURE || null,
              httponly: settings.SESSION_COOKIE_HTTPONLY || null, samesite: settings.SESSION_COOKIE_SAMESITE,
            });
          }
        }
        return send(message);
      };
      return this.inner({ ...scope, session } as Scope, receive, session_send);
    }
  },
);
export type SessionMiddleware = InstanceType<typeof SessionMiddleware>;

export function SessionMiddlewareStack(inner: ASGIApp, store?: SessionStore): CookieMiddleware {
  return CookieMiddleware(SessionMiddleware(inner, store));
}
