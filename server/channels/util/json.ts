// json.dumps / json.loads with Python's defaults, so a JSON consumer's frames match Channels' byte for byte:
// separators ", " and ": ", ensure_ascii (non-ASCII as lowercase \uXXXX), NaN and Infinity written bare.

import { ValueError } from "../exceptions.ts";

const not_serializable = (what: string) => new TypeError(`Object of type ${what} is not JSON serializable`);

function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c >= 0x20 && c < 0x7f) out += s[i];
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c === 0x7f) out += s[i];
    else out += "\\u" + c.toString(16).padStart(4, "0");
  }
  return out + '"';
}

function type_name(value: object): string {
  if (value instanceof Uint8Array) return "bytes";
  return value.constructor?.name ?? "object";
}

function encode(value: unknown, seen: Set<object>): string | undefined {
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case "string": return quote(value);
    case "number":
      if (Number.isNaN(value)) return "NaN";
      if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
      return String(value);
    case "boolean": return value ? "true" : "false";
    case "bigint": return value.toString();
    case "undefined": return undefined;
    case "function": case "symbol": throw not_serializable(typeof value);
  }
  if (value === null) return "null";
  const obj = value as object;
  if (seen.has(obj)) throw new ValueError("Circular reference detected");
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return "[" + obj.map((v) => encode(v, seen) ?? "null").join(", ") + "]";
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) throw not_serializable(type_name(obj));
    const parts: string[] = [];
    for (const [k, v] of Object.entries(obj)) {
      const encoded = encode(v, seen);
      if (encoded !== undefined) parts.push(quote(k) + ": " + encoded);
    }
    return "{" + parts.join(", ") + "}";
  } finally {
    seen.delete(obj);
  }
}

/** Python's `json.dumps(value)` with default arguments. */
export function dumps(value: unknown): string {
  return encode(value, new Set()) ?? "null";
}

/** Python's `json.loads(text)`; invalid JSON throws a SyntaxError (Python: JSONDecodeError). */
export function loads(text: string): unknown {
  return JSON.parse(text);
}
