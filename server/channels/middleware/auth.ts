// AuthMiddleware, AuthMiddlewareStack, login, logout and get_user (channels/auth.py). There is no Django
// ORM here: the session stores the user's id, and a resolver you pass in turns an id back into a user.
import { ValueError } from "../exceptions.ts";
import type { ASGIApp, Receive, Scope, Send } from "../types.ts";
import { BaseMiddleware } from "./base.ts";
import { CookieMiddleware } from "./cookies.ts";
import { type Session, SessionMiddleware, type SessionStore } from "./sessions.ts";

export interface User {
  readonly pk: unknown;
  readonly is_authenticated: boolean;
  readonly is_anonymous: boolean;
}

export class AnonymousUser implements User {
  readonly id = null;
  readonly pk = null;
  readonly username = "";
  readonly is_authenticated = false;
  readonly is_anonymous = true;
  toString(): string {
    return "AnonymousUser";
  }
}

/** Turns the id stored in the session back into a user; null when there is no such user. */
export type UserResolver = (user_id: string, scope: Scope) => Promise<User | null> | User | null;

export const SESSION_KEY = "_auth_user_id";

function session_of(scope: Scope, what: string): Session {
  if (!("session" in scope)) {
    throw new ValueError(`${what} cannot find session in scope. You should wrap your consumer in SessionMiddleware.`);
  }
  return scope.session as Session;
}

/** The user whose id the scope's session holds, or an AnonymousUser. */
export async function get_user(scope: Scope, resolve_user?: UserResolver): Promise<User> {
  const session = session_of(scope, "get_user");
  const user_id = session.get<string>(SESSION_KEY);
  const user = user_id !== undefined && resolve_user ? await resolve_user(user_id, scope) : null;
  return user ?? new AnonymousUser();
}

/** Stores the user's id in the session and sets `scope.user`; call `scope.session.save()` afterwards. */
export async function login(scope: Scope, user: User | null = null): Promise<void> {
  const session = session_of(scope, "Login");
  user ??= (scope.user as User | undefined) ?? null;
  if (user === null) throw new ValueError("User must be passed as an argument or must be present in the scope.");
  const pk = String(user.pk);
  if (session.has(SESSION_KEY)) {
    if (session.get(SESSION_KEY) !== pk) await session.flush();
  } else {
    await session.cycle_key();
  }
  session.set(SESSION_KEY, pk);
  scope.user = user;
}

/** Flushes the session and makes `scope.user` anonymous. */
export async function logout(scope: Scope): Promise<void> {
  const session = session_of(scope, "Logout");
  await session.flush();
  if ("user" in scope) scope.user = new AnonymousUser();
}

/** Sets `scope.user` (resolved before the inner app runs). Needs SessionMiddleware above it. */
export class AuthMiddleware extends BaseMiddleware {
  readonly resolve_user: UserResolver | undefined;

  constructor(inner: ASGIApp, resolve_user?: UserResolver) {
    super(inner);
    this.resolve_user = resolve_user;
  }

  override async __call__(scope: Scope, receive: Receive, send: Send): Promise<void> {
    scope = { ...scope };
    if (!("session" in scope)) {
      throw new ValueError("AuthMiddleware cannot find session in scope. SessionMiddleware must be above it.");
    }
    if (!("user" in scope)) scope.user = await get_user(scope, this.resolve_user);
    return super.__call__(scope, receive, send);
  }
}

export interface AuthStackOptions {
  resolve_user?: UserResolver;
  session_store?: SessionStore;
}

/** Cookie, session and auth middleware in one: `AuthMiddlewareStack(URLRouter(...), { resolve_user })`. */
export function AuthMiddlewareStack(inner: ASGIApp, options: AuthStackOptions = {}): CookieMiddleware {
  return CookieMiddleware(SessionMiddleware(new AuthMiddleware(inner, options.resolve_user), options.session_store));
}
