// Plain, bounded JSON views of learner values for the event log: whatever a handler got, sent or logged.
import { error_line } from "./errors.ts";

const MAX_DEPTH = 4;
const MAX_ITEMS = 50;
const MAX_STRING = 2000;
const MAX_CONSOLE = 16_384;

function hex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < Math.min(bytes.length, 32); i++) out += bytes[i]!.toString(16).padStart(2, "0");
  return out;
}

/** Bytes become { bytes: length, hex: first 32 bytes }; long strings and containers are cut, and say so. */
export function describe_value(value: unknown, depth = 0, seen: Set<object> = new Set()): unknown {
  switch (typeof value) {
    case "string": return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} characters)` : value;
    case "number": return Number.isFinite(value) ? value : String(value);
    case "boolean": return value;
    case "bigint": return `${value}n`;
    case "undefined": return null;
    case "symbol": return String(value);
    case "function": return `[function ${(value as { name?: string }).name || "anonymous"}]`;
  }
  if (value === null) return null;
  const obj = value as object;
  if (obj instanceof Uint8Array) return { bytes: obj.length, hex: hex(obj) };
  if (obj instanceof Error) return error_line(obj);
  if (seen.has(obj)) return "[circular]";
  if (depth >= MAX_DEPTH) return Array.isArray(obj) ? `[array of ${obj.length}]` : "[object]";
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      const items = obj.slice(0, MAX_ITEMS).map((item) => describe_value(item, depth + 1, seen));
      if (obj.length > MAX_ITEMS) items.push(`… ${obj.length - MAX_ITEMS} more`);
      return items;
    }
    const out: Record<string, unknown> = {};
    const name = (obj.constructor as { name?: string } | undefined)?.name;
    if (name && name !== "Object") out.__class__ = name;
    const keys = Object.keys(obj);
    for (const key of keys.slice(0, MAX_ITEMS)) out[key] = describe_value((obj as Record<string, unknown>)[key], depth + 1, seen);
    if (keys.length > MAX_ITEMS) out["…"] = `${keys.length - MAX_ITEMS} more keys`;
    return out;
  } finally {
    seen.delete(obj);
  }
}

/** console.log's formatting, roughly: strings as they are, everything else as compact JSON. */
export function format_console(args: readonly unknown[]): string {
  const text = args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(describe_value(arg)) ?? String(arg))).join(" ");
  return text.length > MAX_CONSOLE ? `${text.slice(0, MAX_CONSOLE)}… (${text.length} characters)` : text;
}
