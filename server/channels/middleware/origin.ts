// OriginValidator and AllowedHostsOriginValidator (channels/security/websocket.py).
import { ASGIObject, pythonic } from "../asgi-object.ts";
import { settings } from "../conf.ts";
import { ValueError } from "../exceptions.ts";
import { AsyncWebsocketConsumer } from "../generic/async-websocket.ts";
import type { ASGIApp, Receive, Scope, Send } from "../types.ts";
import { header } from "./base.ts";

/** The parts of Python's urlparse() that origin checks use. */
export interface ParsedOrigin { scheme: string; hostname: string | null; port: number | null }

export function parse_origin(value: string): ParsedOrigin {
  const scheme_match = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value);
  const scheme = scheme_match ? scheme_match[1]!.toLowerCase() : "";
  const rest = scheme_match ? value.slice(scheme_match[0].length) : value;
  if (!rest.startsWith("//")) return { scheme, hostname: null, port: null };
  const netloc = rest.slice(2).split(/[/?#]/, 1)[0]!.replace(/^.*@/, "");
  const m = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(netloc)!;
  const host = m[1]!.replace(/^\[|\]$/g, "").toLowerCase();
  const port = m[2] !== undefined && /^\d+$/.test(m[2]) ? Number(m[2]) : null;
  return { scheme, hostname: host === "" ? null : host, port };
}

/** Django's is_same_domain: a pattern starting with "." also matches every subdomain. */
export function is_same_domain(host: string, pattern: string): boolean {
  if (!pattern) return false;
  pattern = pattern.toLowerCase();
  return (pattern.startsWith(".") && (host.endsWith(pattern) || host === pattern.slice(1))) || pattern === host;
}

function default_port(origin: ParsedOrigin): number | null {
  if (origin.port !== null) return origin.port;
  if (origin.scheme === "http" || origin.scheme === "ws") return 80;
  if (origin.scheme === "https" || origin.scheme === "wss") return 443;
  return null;
}

/** Refuses every connection: `close()` in connect, which the server answers with HTTP 403. */
export class WebsocketDenier extends AsyncWebsocketConsumer {
  override async connect(): Promise<void> {
    await this.close();
  }
}

/** Lets a websocket through only when its Origin header matches `allowed_origins`; a missing Origin fails unless "*" is allowed. */
export const OriginValidator = pythonic(
  class OriginValidator extends ASGIObject {
    readonly application: ASGIApp;
    readonly allowed_origins: readonly string[];

    constructor(application: ASGIApp, allowed_origins: readonly string[]) {
      super();
      this.application = application;
      this.allowed_origins = allowed_origins;
    }

    override async __call__(scope: Scope, receive: Receive, send: Send): Promise<void> {
      if (scope.type !== "websocket") throw new ValueError("You cannot use OriginValidator on a non-WebSocket connection");
      const origin = header(scope, "origin", true);
      if (this.valid_origin(origin === null ? null : parse_origin(origin))) return this.application(scope, receive, send);
      return WebsocketDenier.as_asgi()(scope, receive, send);
    }

    valid_origin(parsed: ParsedOrigin | null): boolean {
      if (parsed === null && !this.allowed_origins.includes("*")) return false;
      return this.validate_origin(parsed);
    }

    validate_origin(parsed: ParsedOrigin | null): boolean {
      return this.allowed_origins.some((pattern) => pattern === "*" || this.match_allowed_origin(parsed, pattern));
    }

    match_allowed_origin(parsed: ParsedOrigin | null, pattern: string): boolean {
      if (parsed === null || parsed.hostname === null) return false;
      const parsed_pattern = parse_origin(pattern.toLowerCase());
      if (!parsed_pattern.scheme) {
        const hostname = parse_origin("//" + pattern).hostname ?? pattern;
        return is_same_domain(parsed.hostname, hostname);
      }
      return parsed_pattern.scheme === parsed.scheme &&
        default_port(parsed) === default_port(parsed_pattern) &&
        parsed_pattern.hostname !== null && is_same_domain(parsed.hostname, parsed_pattern.hostname);
    }
  },
);
export type OriginValidator = InstanceType<typeof OriginValidator>;

/**
 * OriginValidator over settings.ALLOWED_HOSTS (or the hosts given), read when the app is built. With DEBUG
 * on and no hosts, localhost, 127.0.0.1 and [::1] are allowed, as in Channels.
 */
export function AllowedHostsOriginValidator(application: ASGIApp, allowed_hosts?: readonly string[]): OriginValidator {
  let hosts = allowed_hosts ?? settings.ALLOWED_HOSTS;
  if (settings.DEBUG && hosts.length === 0) hosts = ["localhost", "127.0.0.1", "[::1]"];
  return OriginValidator(application, hosts);
}
