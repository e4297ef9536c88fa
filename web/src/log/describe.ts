// One line per trace record: its category (for filtering), direction and summary.
import type { TraceRecord } from "../../../server/playground/protocol.ts";

export type Category = "asgi" | "handler" | "layer" | "console" | "error" | "server";
export const CATEGORIES: Array<{ id: Category; label: string }> = [
  { id: "asgi", label: "ASGI messages" },
  { id: "handler", label: "Handlers" },
  { id: "layer", label: "Channel layer" },
  { id: "console", label: "Console" },
  { id: "error", label: "Errors" },
  { id: "server", label: "Server" },
];

const CLOSE_CODES: Record<number, string> = {
  1000: "normal closure",
  1001: "going away",
  1005: "no code given",
  1006: "abnormal: the connection ended without a close frame (a refused or dropped handshake, or a lost connection)",
  1009: "message too big",
  1011: "server error: the app raised an exception",
  1012: "service restart: the code was reloaded, reconnect to get the new one",
};

/** What a close code means, in plain words. */
export function close_meaning(code: number | null | undefined): string {
  if (code === null || code === undefined) return "closed without a code";
  if (CLOSE_CODES[code]) return CLOSE_CODES[code]!;
  if (code >= 4000 && code <= 4999) return "an application's own code";
  if (code >= 3000 && code <= 3999) return "a library's or framework's code";
  return "";
}

const quote = (text: string, max = 60) => JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);

function message_summary(message: unknown): string {
  const m = (message ?? {}) as Record<string, unknown>;
  const type = String(m.type ?? "?");
  if (typeof m.text === "string") return `${type} text ${quote(m.text)}`;
  const bytes = m.bytes as { bytes?: number; hex?: string } | undefined;
  if (bytes && typeof bytes === "object") return `${type} bytes (${bytes.bytes}) ${bytes.hex ?? ""}`;
  if (type === "websocket.disconnect" || type === "websocket.close") {
    const code = m.code as number | null | undefined;
    return code === undefined && type === "websocket.close" ? type : `${type} code ${code ?? "None"} (${close_meaning(code ?? null)})`;
  }
  if (type === "websocket.accept") return m.subprotocol ? `${type} subprotocol ${quote(String(m.subprotocol))}` : type;
  const rest = Object.keys(m).filter((k) => k !== "type");
  return rest.length ? `${type} {${rest.join(", ")}}` : type;
}

export interface Row {
  category: Category;
  /** "→ app", "← app", ... */
  direction: string;
  summary: string;
}

export function describe(record: TraceRecord): Row {
  switch (record.kind) {
    case "connect":
      return { category: "server", direction: "⇢ connect", summary: `client connected to ${record.path}${record.query_string ? `?${record.query_string}` : ""}${record.subprotocols.length ? ` offering ${record.subprotocols.join(", ")}` : ""}` };
    case "receive":
      return { category: "asgi", direction: "→ app", summary: message_summary(record.message) };
    case "send":
      return { category: "asgi", direction: "← app", summary: message_summary(record.message) };
    case "handler": {
      const call = `${record.consumer}.${record.name}(${(record.message as { type?: string })?.type ?? ""})`;
      const outcome = record.error ? `raised ${record.error}` : record.running ? "still running…" : `returned${record.result !== undefined ? ` ${JSON.stringify(record.result)}` : ""} in ${record.duration_ms} ms`;
      return { category: "handler", direction: "ƒ handler", summary: `${call} ${record.ended ? "ended: " : ""}${outcome}` };
    }
    case "layer": {
      const type = (record.message as { type?: string } | undefined)?.type;
      const what = record.op === "deliver" ? `delivered ${type ?? "a message"} to ${record.channel}`
        : record.op === "group_send" ? `group_send(${quote(record.group ?? "")}, ${type ?? "message"}) to ${record.members ?? 0} member${record.members === 1 ? "" : "s"}`
        : record.op === "send" ? `send(${record.channel}, ${type ?? "message"})`
        : `${record.op}(${quote(record.group ?? "")}, ${record.channel})`;
      return { category: "layer", direction: "⇄ layer", summary: what };
    }
    case "console":
      return { category: "console", direction: `› ${record.level}`, summary: record.text };
    case "error":
      return { category: "error", direction: "✖ error", summary: record.message };
    case "server": {
      const code = record.code !== undefined ? ` ${record.code}` : "";
      const meaning = record.event === "rejected" ? " (HTTP 403: closed before accept)" : record.event === "app_error" && record.code === 500 ? " (HTTP 500: error before accept)" : record.code !== undefined && record.code >= 1000 ? ` (${close_meaning(record.code)})` : "";
      return { category: "server", direction: "⚙ server", summary: `${record.event.replace("_", " ")}${code}${meaning}${record.detail ? `: ${record.detail}` : ""}` };
    }
    case "lifecycle":
      return { category: "server", direction: "⚙ session", summary: `${record.event.replace("_", " ")}${record.version ? ` version ${record.version}` : ""}${record.detail ? `: ${record.detail}` : ""}` };
  }
}
