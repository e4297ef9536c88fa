// Plain-words explanations the log shows after the records they explain, with a fix where one exists.
import type { TraceRecord } from "../../../server/playground/protocol.ts";
import { add_accept, add_handler } from "./fixes.ts";

export interface Hint {
  /** Shown after the record with this sequence number. */
  after: number;
  id: string;
  title: string;
  text: string;
  fix?: { label: string; apply(code: string): string | null };
}

/** The last record of the run of records of the same connection that starts at `index`. */
function end_of_run(records: readonly TraceRecord[], index: number): number {
  const conn = records[index]!.conn?.id;
  let end = index;
  while (conn !== undefined && end + 1 < records.length && records[end + 1]!.conn?.id === conn) end++;
  return records[end]!.seq;
}

/** Hints for the records, each placed after the records that belong to what it explains. */
/** Why the compiler stopped, by the code the session gives the error (compile.ts). */
const COMPILE_STOPPED: Record<string, string> = {
  COMPILE_TIMEOUT: "Compiling took longer than the compiler's time limit and was stopped: code nested thousands of levels deep, or one enormous expression, does this.",
  COMPILE_MEMORY: "Compiling needed more memory than the compiler may use and was stopped: code nested thousands of levels deep, or one enormous expression, does this.",
  COMPILE_CRASHED: "The compiler crashed on this code; it was restarted, and nobody else's code was affected.",
  COMPILE_BUSY: "Too many compiles are waiting right now: run again in a moment.",
};

export function hints(records: readonly TraceRecord[], handshake_timeout_s = 5): Hint[] {
  const found = find_hints(records, handshake_timeout_s);
  const index = new Map(records.map((r, i) => [r.seq, i]));
  return found.map((h) => ({ ...h, after: end_of_run(records, index.get(h.after)!) }));
}

function find_hints(records: readonly TraceRecord[], handshake_timeout_s: number): Hint[] {
  const out: Hint[] = [];
  // A handler's record comes where the call started, before what it sent: look at every record first.
  const answered = new Set<string>();
  for (const r of records) {
    const type = r.kind === "send" ? (r.message as { type?: string }).type : undefined;
    if (r.conn && (type === "websocket.accept" || type === "websocket.close")) answered.add(r.conn.id);
  }
  const waiting = new Set<string>();
  for (const r of records) {
    const conn = r.conn?.id;
    if (r.kind === "handler" && conn && r.name === "websocket_connect" && r.duration_ms !== undefined && !r.error && !answered.has(conn) && !waiting.has(conn)) {
      waiting.add(conn);
      const consumer = r.consumer;
      out.push({
        after: r.seq, id: `never-accepted-${conn}`, title: "The consumer never accepted",
        text: `${consumer}.websocket_connect returned without accepting, so the client's handshake stays pending: ` +
          `the server drops it after ${handshake_timeout_s} s and the client sees close code 1006. A consumer lets a client in ` +
          `by sending {"type": "websocket.accept"} (a WebsocketConsumer's connect() calls accept() for you).`,
        fix: { label: "Add accept and run", apply: (code) => add_accept(code, consumer) },
      });
    }
    if (r.kind === "server" && r.event === "handshake_timeout") {
      out.push({
        after: r.seq, id: `dropped-${r.seq}`, title: "Handshake dropped",
        text: `Nothing accepted or refused the connection within ${handshake_timeout_s} s, so the server dropped it: the client sees 1006 and the consumer gets websocket.disconnect with 1006.`,
      });
    }
    if (r.kind === "error") {
      // The code says what happened; the message type is read from the text Channels gives it.
      const no_handler = r.code === "NO_HANDLER" ? /message type (\S+)$/.exec(r.message) : null;
      if (no_handler) {
        const type = no_handler[1]!;
        const name = type.replace(/\./g, "_");
        out.push({
          after: r.seq, id: `no-handler-${r.seq}`, title: `No handler for ${type}`,
          text: `Channels calls the method named after the message's type, with dots turned into underscores: ${type} needs a method ${name}(event). Without it the consumer stops and the client gets 1011.`,
          fix: { label: `Add ${name} and run`, apply: (code) => add_handler(code, type) },
        });
      } else if (r.code === "WS_SEND_BEFORE_ACCEPT") {
        out.push({
          after: r.seq, id: `send-before-accept-${r.seq}`, title: "Send before accept",
          text: "A consumer can only send once the connection is accepted; the server answered the handshake with HTTP 500. Accept first.",
          fix: { label: "Add accept and run", apply: (code) => add_accept(code) },
        });
      } else if (r.code === "HANDLER_TIMEOUT") {
        out.push({
          after: r.seq, id: `timeout-${r.seq}`, title: "A handler was stopped",
          text: `${r.message}. A handler must return: an endless loop (or long blocking work) holds up every event of its connection. The session restarted with the same code; fix the handler and run again.`,
        });
      } else if (r.code === "MEMORY_LIMIT") {
        out.push({ after: r.seq, id: `memory-${r.seq}`, title: "Out of memory", text: `${r.message}. The session restarted with the same code.` });
      } else if (r.code === "COMPILE_ERROR") {
        out.push({ after: r.seq, id: `compile-${r.seq}`, title: "The code did not compile", text: "The marked line in the editor says why; the previous code keeps running until this compiles." });
      } else if (r.code !== undefined && r.code in COMPILE_STOPPED) {
        out.push({ after: r.seq, id: `compile-${r.seq}`, title: "The compiler gave up", text: `${COMPILE_STOPPED[r.code]} The previous code keeps running.` });
      } else if (r.code === "BAD_OP") {
        out.push({
          after: r.seq, id: `bad-op-${r.seq}`, title: "The sandbox sent something the server refused",
          text: "The runtime that runs your code handed the server a malformed message (code that replaces the runtime's own functions does this). The server dropped it and closed the connection it named with 1011.",
        });
      }
    }
  }
  return out;
}
