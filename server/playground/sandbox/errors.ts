// Runs inside the isolate (bundled into the runtime). Turns whatever learner code threw into plain, bounded
// strings while the call that caught it is still under its deadline: reading `stack` runs
// Error.prepareStackTrace and `name`/`message` may be getters, and a thrown value may be null, a Proxy or an
// object whose toString throws. Nothing learner-made leaves the isolate; the host copies strings only.
// The string methods used are captured here, before learner code can replace them.

export const MAX_MESSAGE = 10_000;
export const MAX_STACK = 20_000;
export const MAX_FRAMES = 50;
const MAX_NAME = 200;

const apply = Reflect.apply;
const to_string = String;
const str_slice = String.prototype.slice;
const str_index = String.prototype.indexOf;
const str_code = String.prototype.charCodeAt;
const is_proto_of = Object.prototype.isPrototypeOf;
const error_proto = Error.prototype;

const slice = (s: string, start: number, end?: number): string => apply(str_slice, s, [start, end]) as string;
const index_of = (s: string, part: string, from = 0): number => apply(str_index, s, [part, from]) as number;

export interface ErrorText {
  name: string;
  message: string;
  stack: string;
  /** The error's machine code, of the form the server takes (app-ops.ts' ERROR_CODE). */
  code?: string;
}

/** Cuts `s` to at most `max` characters, saying how long it was (the server refuses longer: app-ops.ts' ErrorData). */
export function cap(s: string, max: number): string {
  if (s.length <= max) return s;
  const note = `… (${s.length} characters)`;
  return `${slice(s, 0, max - note.length)}${note}`;
}

/** A learner value as a string, never throwing (a throwing toString gives `fallback`). */
export function text(value: unknown, max: number, fallback = "[unprintable]"): string {
  let s: unknown;
  try {
    s = typeof value === "string" ? value : to_string(value);
  } catch {
    return fallback;
  }
  return typeof s === "string" ? cap(s, max) : fallback;
}

/** A property of a thrown error as text; `fallback` where it is missing or reading it throws. */
function field(error: object, key: "name" | "message", max: number, fallback: string): string {
  let value: unknown;
  try {
    value = (error as Record<string, unknown>)[key];
  } catch {
    return fallback;
  }
  return value === undefined ? fallback : text(value, max, fallback);
}

function stack_of(error: object): string {
  try {
    const stack = (error as { stack?: unknown }).stack;
    return typeof stack === "string" ? bounded_stack(stack) : "";
  } catch {
    return "";
  }
}

/** The head (name and message) cut to MAX_MESSAGE, then at most MAX_FRAMES frames, MAX_STACK characters in all. */
export function bounded_stack(stack: string): string {
  const at = index_of(stack, "\n    at ");
  const head = cap(at < 0 ? stack : slice(stack, 0, at), MAX_MESSAGE);
  if (at < 0) return head;
  const rest = slice(stack, at + 1, at + 1 + MAX_STACK);
  let frames = "";
  let start = 0;
  let count = 0;
  while (start < rest.length && count < MAX_FRAMES) {
    const end = index_of(rest, "\n", start);
    const line = slice(rest, start, end < 0 ? rest.length : end);
    frames += `\n${line}`;
    count++;
    if (end < 0) break;
    start = end + 1;
  }
  const more = at + 1 + MAX_STACK < stack.length || start < rest.length;
  const out = `${head}${frames}${more ? "\n    … more frames" : ""}`;
  return out.length > MAX_STACK + MAX_MESSAGE ? slice(out, 0, MAX_STACK + MAX_MESSAGE) : out;
}

function is_error(value: object): boolean {
  try {
    return apply(is_proto_of, error_proto, [value]) as boolean;
  } catch {
    return false;
  }
}

/** What was thrown, as bounded text. A thrown non-error reads like V8's "Uncaught null". */
export function error_text(error: unknown): ErrorText {
  if (error === null || (typeof error !== "object" && typeof error !== "function") || !is_error(error)) {
    const message = text(error, MAX_MESSAGE);
    return { name: "Uncaught", message, stack: "" };
  }
  const out: ErrorText = { name: field(error, "name", MAX_NAME, "Error"), message: field(error, "message", MAX_MESSAGE, ""), stack: stack_of(error) };
  const code = code_of(error);
  if (code !== undefined) out.code = code;
  return out;
}

/** A-Z first, then A-Z, 0-9 or _, 64 at most; checked by hand, since learner code can replace RegExp's methods. */
function is_code(code: string): boolean {
  if (code.length === 0 || code.length > 64) return false;
  for (let i = 0; i < code.length; i++) {
    const c = apply(str_code, code, [i]) as number;
    const upper = c >= 65 && c <= 90;
    if (!(upper || (i > 0 && (c === 95 || (c >= 48 && c <= 57))))) return false;
  }
  return true;
}

/** The error's machine code (the core's NO_HANDLER, WS_SEND_BEFORE_ACCEPT, ...), when it has one of that form. */
function code_of(error: object): string | undefined {
  try {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && is_code(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/** `name: message`, for the log. */
export function error_line(error: unknown): string {
  const e = error_text(error);
  return `${e.name}: ${e.message}`;
}
