// BaseMiddleware (channels/middleware.py).
import { ASGIObject, pythonic } from "../asgi-object.ts";
import type { ASGIApp, Headers, Receive, Scope, Send } from "../types.ts";
import { copy_scope } from "../scope-copy.ts";
import { latin1_decode } from "../util/bytes.ts";

/**
 * Subclass and override `__call__` to add keys to the scope, then call `super.__call__`. One instance serves
 * every connection: keep per-connection state in the scope, never on `this`.
 */
export const BaseMiddleware = pythonic(
  class BaseMiddleware extends ASGIObject {
    readonly inner: ASGIApp;

    constructor(inner: ASGIApp) {
      super();
      this.inner = inner;
    }

    override async __call__(scope: Scope, receive: Receive, send: Send): Promise<void> {
      // A copy, so changes never travel up to outer middleware.
      return this.inner(copy_scope(scope), receive, send);
    }
  },
);
export type BaseMiddleware = InstanceType<typeof BaseMiddleware>;

/** The header called `name` (lower case) decoded as latin-1, or null; the first one, or the last with `last`. */
export function header(scope: Scope, name: string, last = false): string | null {
  const headers = (scope as { headers?: Headers }).headers ?? [];
  let found: string | null = null;
  for (const [key, value] of headers) {
    if (latin1_decode(key) !== name) continue;
    found = latin1_decode(value);
    if (!last) break;
  }
  return found;
}
