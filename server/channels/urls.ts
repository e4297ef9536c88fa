// django.urls.path / re_path and their converters, as URLRouter uses them (django/urls/resolvers.py).
import { is_consumer_class } from "./consumer.ts";
import { ImproperlyConfigured } from "./exceptions.ts";
import type { ASGIApp } from "./types.ts";
import { py_repr } from "./util/repr.ts";

export interface Converter {
  regex: string;
  to_python(value: string): unknown;
  to_url(value: unknown): string;
}

const str_converter = (regex: string): Converter => ({ regex, to_python: (v) => v, to_url: (v) => String(v) });
const converters = new Map<string, Converter>([
  ["int", { regex: "[0-9]+", to_python: (v) => Number.parseInt(v, 10), to_url: (v) => String(v) }],
  ["path", str_converter(".+")],
  ["slug", str_converter("[-a-zA-Z0-9_]+")],
  ["str", str_converter("[^/]+")],
  ["uuid", str_converter("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")],
]);

export function register_converter(converter: Converter, type_name: string): void {
  converters.set(type_name, converter);
}

/** `[remaining path, args, kwargs]` on a match. */
export type PatternMatch = [string, unknown[], Record<string, unknown>];

export interface Pattern {
  /** False when the route's app routes further (a nested URLRouter): then only a prefix must match. */
  is_endpoint: boolean;
  match(path: string): PatternMatch | null;
  toString(): string;
}

const IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_]*$/u;
const PARAMETER = /<(?:([^>:]+):)?([^>]+)>/;
// Only syntax characters: under the `u` flag an identity escape such as `\-` is a SyntaxError.
const escape_regex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

export class RoutePattern implements Pattern {
  is_endpoint = true;
  private readonly source: string;
  private readonly converters: Record<string, Converter> = {};
  private compiled: { endpoint: boolean; regex: RegExp } | null = null;

  constructor(private readonly route: string) {
    let rest = route;
    let source = "^";
    for (let m = PARAMETER.exec(rest); m !== null; m = PARAMETER.exec(rest)) {
      if (/\s/.test(m[0])) {
        throw new ImproperlyConfigured(`URL route '${route}' cannot contain whitespace in angle brackets <…>.`);
      }
      const [, raw_converter = "str", parameter = ""] = m;
      if (!IDENTIFIER.test(parameter)) {
        throw new ImproperlyConfigured(
          `URL route '${route}' uses parameter name ${py_repr(parameter)} which isn't a valid Python identifier.`,
        );
      }
      const converter = converters.get(raw_converter);
      if (converter === undefined) {
        throw new ImproperlyConfigured(`URL route ${py_repr(route)} uses invalid converter ${py_repr(raw_converter)}.`);
      }
      this.converters[parameter] = converter;
      source += escape_regex(rest.slice(0, m.index)) + `(?<${parameter}>${converter.regex})`;
      rest = rest.slice(m.index + m[0].length);
    }
    this.source = source + escape_regex(rest);
  }

  match(path: string): PatternMatch | null {
    if (this.compiled?.endpoint !== this.is_endpoint) {
      this.compiled = { endpoint: this.is_endpoint, regex: new RegExp(this.source + (this.is_endpoint ? "$" : ""), "u") };
    }
    const m = this.compiled.regex.exec(path);
    if (m === null) return null;
    const kwargs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(m.groups ?? {})) {
      try {
        kwargs[key] = this.converters[key]!.to_python(value!);
      } catch {
        return null; // Django: a converter's ValueError means "no match"
      }
    }
    return [path.slice(m.index + m[0].length), [], kwargs];
  }

  toString(): string {
    return this.route;
  }
}

/** Python `re` syntax -> JavaScript: (?P<n>...), (?P=n), \A, \Z and leading inline flags. */
function translate_python_regex(pattern: string): { source: string; flags: string } {
  let flags = "";
  const src = pattern.replace(/^\(\?([aiLmsux]+)\)/, (_, f: string) => {
    for (const flag of f) if ("ims".includes(flag)) flags += flag;
    return "";
  });
  let out = "";
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === "\\") {
      const next = src[i + 1] ?? "";
      out += next === "Z" ? "$" : next === "A" ? "^" : ch + next;
      i++;
    } else if (src.startsWith("(?P<", i)) {
      out += "(?<";
      i += 3;
    } else if (src.startsWith("(?P=", i)) {
      const end = src.indexOf(")", i);
      out += `\\k<${src.slice(i + 4, end)}>`;
      i = end;
    } else out += ch;
  }
  return { source: out, flags };
}

export class RegexPattern implements Pattern {
  is_endpoint = true;
  private readonly search: RegExp;
  private readonly full: RegExp;

  constructor(private readonly regex: string | RegExp) {
    const { source, flags } =
      typeof regex === "string" ? translate_python_regex(regex) : { source: regex.source, flags: regex.flags.replace(/[gy]/g, "") };
    try {
      this.search = new RegExp(source, flags);
      this.full = new RegExp(`^(?:${source})$`, flags);
    } catch (error) {
      throw new ImproperlyConfigured(`"${String(regex)}" is not a valid regular expression: ${(error as Error).message}`);
    }
  }

  match(path: string): PatternMatch | null {
    const source = typeof this.regex === "string" ? this.regex : this.regex.source;
    const m = (this.is_endpoint && source.endsWith("$") ? this.full : this.search).exec(path);
    if (m === null) return null;
    // As Django: with any named group, kwargs are the named groups and positional groups are dropped.
    const named = m.groups ?? {};
    const args = Object.keys(named).length > 0 ? [] : m.slice(1).map((v) => v ?? null);
    const kwargs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(named)) if (value !== undefined) kwargs[key] = value;
    return [path.slice(m.index + m[0].length), args, kwargs];
  }

  toString(): string {
    return String(this.regex);
  }
}

export class URLPattern {
  constructor(
    readonly pattern: Pattern,
    readonly callback: ASGIApp,
    readonly default_args: Record<string, unknown> = {},
    readonly name: string | null = null,
  ) {}

  /** True when the callback is itself a router, whose miss (Resolver404) lets the outer router go on. */
  get routes_further(): boolean {
    return (this.callback as { _path_routing?: unknown })._path_routing === true;
  }
}

export function check_app(app: unknown, where: string): asserts app is ASGIApp {
  if (is_consumer_class(app)) {
    throw new ImproperlyConfigured(
      `${where} is given the consumer class ${app.name} itself; mount ${app.name}.as_asgi() instead, ` +
        "which makes one consumer instance per connection.",
    );
  }
  if (typeof app !== "function") throw new TypeError("view must be a callable or a list/tuple in the case of include().");
}

/** `path("ws/chat/<str:room>/", ChatConsumer.as_asgi())` */
export function path(route: string, view: ASGIApp, kwargs?: Record<string, unknown>, name?: string): URLPattern {
  check_app(view, `URL route ${py_repr(route)}`);
  return new URLPattern(new RoutePattern(route), view, kwargs, name ?? null);
}

/** `re_path(r"^ws/chat/(?P<room>\w+)/$", ChatConsumer.as_asgi())`; Python syntax or a RegExp. */
export function re_path(regex: string | RegExp, view: ASGIApp, kwargs?: Record<string, unknown>, name?: string): URLPattern {
  check_app(view, `URL pattern ${py_repr(String(regex))}`);
  return new URLPattern(new RegexPattern(regex), view, kwargs, name ?? null);
}
