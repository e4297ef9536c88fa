// CookieMiddleware (channels/sessions.py) with Django's parse_cookie and Python's Set-Cookie formatting.
import { ASGIObject, pythonic } from "../asgi-object.ts";
import { ValueError } from "../exceptions.ts";
import type { ASGIApp, HTTPResponseStartEvent, Receive, Scope, Send } from "../types.ts";
import { latin1_encode, utf8_encode } from "../util/bytes.ts";
import { header } from "./base.ts";

/** Python's http.cookies._unquote. */
function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value.slice(1, -1).replace(/\\(?:([0-3][0-7][0-7])|(.))/g, (_, octal?: string, ch?: string) =>
    octal !== undefined ? String.fromCharCode(Number.parseInt(octal, 8)) : ch!,
  );
}

/** Django's parse_cookie: a `Cookie` header to a name -> value record. */
export function parse_cookie(cookie: string): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const chunk of cookie.split(";")) {
    const eq = chunk.indexOf("=");
    const key = (eq === -1 ? "" : chunk.slice(0, eq)).trim();
    const value = (eq === -1 ? chunk : chunk.slice(eq + 1)).trim();
    if (key || value) cookies[key] = unquote(value);
  }
  return cookies;
}

const LEGAL = /^[\w!#$%&'*+\-.^`|~:]*$/;
const quote = (value: string) =>
  LEGAL.test(value) ? value : '"' + value.replace(/["\\]/g, "\\$&").replace(/[\x00-\x1f\x7f-\uffff]/g, (c) =>
    "\\" + c.charCodeAt(0).toString(8).padStart(3, "0")) + '"';

export interface CookieOptions {
  max_age?: number | null;
  /** An HTTP date string, or a Date. */
  expires?: string | Date | null;
  path?: string | null;
  domain?: string | null;
  secure?: boolean | null;
  httponly?: boolean | null;
  samesite?: string | null;
}

/** Adds a Set-Cookie header to an `http.response.start` message, formatted as Python's SimpleCookie does. */
export function set_cookie(message: HTTPResponseStartEvent, key: string, value = "", options: CookieOptions = {}): void {
  const { path = "/", domain = null, secure = false, httponly = false, samesite = "lax" } = options;
  let { max_age = null, expires = null } = options;
  if (expires instanceof Date) {
    max_age = Math.max(0, Math.floor((expires.getTime() - Date.now()) / 1000) + 1);
    expires = null;
  }
  const attributes: Record<string, string | true> = { expires: expires ?? "" };
  if (max_age !== null) {
    attributes["Max-Age"] = String(Math.trunc(max_age));
    if (!expires) attributes.expires = new Date(Date.now() + max_age * 1000).toUTCString();
  }
  if (path !== null) attributes.Path = path;
  if (domain !== null) attributes.Domain = domain;
  if (secure) attributes.Secure = true;
  if (httponly) attributes.HttpOnly = true;
  if (samesite !== null) {
    if (!["strict", "lax", "none"].includes(samesite.toLowerCase())) {
      throw new ValueError("samesite must be either 'strict', 'lax' or 'none'");
    }
    attributes.SameSite = samesite;
  }
  // SimpleCookie writes attributes sorted by their lower-case name and skips empty ones.
  const parts = [`${key}=${quote(value)}`];
  for (const name of Object.keys(attributes).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))) {
    const v = attributes[name]!;
    if (v === true) parts.push(name);
    else if (v !== "") parts.push(`${name}=${v}`);
  }
  (message.headers ??= []).push([latin1_encode("Set-Cookie"), utf8_encode(parts.join("; "))]);
}

export function delete_cookie(message: HTTPResponseStartEvent, key: string, options: { path?: string; domain?: string | null } = {}): void {
  set_cookie(message, key, "", { ...options, max_age: 0, expires: "Thu, 01 Jan 1970 00:00:00 GMT" });
}

/** Adds `scope.cookies`, parsed from the request's Cookie header. */
export const CookieMiddleware = pythonic(
  class CookieMiddleware extends ASGIObject {
    static readonly set_cookie = set_cookie;
    static readonly delete_cookie = delete_cookie;
    readonly inner: ASGIApp;

    constructor(inner: ASGIApp) {
      super();
      this.inner = inner;
    }

    override async __call__(scope: Scope, receive: Receive, send: Send): Promise<void> {
      if (!("headers" in scope)) {
        throw new ValueError(
          "CookieMiddleware was passed a scope that did not have a headers key " +
            "(make sure it is only passed HTTP or WebSocket connections)",
        );
      }
      const cookies = parse_cookie(header(scope, "cookie") ?? "");
      return this.inner({ ...scope, cookies } as Scope, receive, send);
    }
  },
);
export type CookieMiddleware = InstanceType<typeof CookieMiddleware>;
