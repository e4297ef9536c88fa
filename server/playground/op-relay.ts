// What an app host's ops do to a session's connections: a send goes through the protocol server's own rules,
// an end finishes its connection, a trace record joins the session's log. A malformed op is reported once per
// batch and the connection it names closes with 1011; nothing an op carries throws past here.
import type { ASGISendEvent } from "../channels/index.ts";
import type { AppOp, AppSend, BadOp, ErrorData, SizedOp } from "./app-ops.ts";
import { SandboxAppError, type PlayConnection } from "./play-connection.ts";
import type { TraceEntry } from "./protocol.ts";
import type { TraceLog } from "./trace.ts";

export class OpRelay {
  constructor(
    private readonly trace: TraceLog,
    private readonly connections: ReadonlyMap<string, PlayConnection>,
    /** The server's log, for what an operator should see. */
    private readonly log: (message: string) => void,
  ) {}

  /** Ops an app host sent, each already parsed (app-ops.ts); nothing in them may throw past this point. */
  apply(ops: Array<SizedOp | BadOp>, bytes: Uint8Array[], version: number): void {
    const bad: BadOp[] = [];
    let refused = 0;
    for (const op of ops) {
      try {
        if (op.op === "bad") bad.push(op);
        else if (op.op === "trace") refused += this.trace.add_from_app(op.entry as TraceEntry, op.size) ? 0 : 1;
        else this.apply_op(op, bytes, version);
      } catch (error) {
        bad.push({ op: "bad", cid: op.op === "trace" ? undefined : op.cid, reason: `it could not be applied (${error instanceof Error ? error.message : "an error"})` });
      }
    }
    if (bad.length > 0 || refused > 0) this.refuse(bad, refused, version);
  }

  private apply_op(op: Exclude<AppOp, { op: "trace" }>, bytes: Uint8Array[], version: number): void {
    const conn = this.connections.get(op.cid);
    if (conn === undefined || conn.version !== version || conn.finished) return;
    if (op.op === "send") this.relay(conn, op.message, bytes);
    else this.end(conn, op.error);
  }

  /** Malformed ops are dropped with one log record per batch, and each connection they named closes with 1011. */
  private refuse(bad: BadOp[], refused: number, version: number): void {
    const count = bad.length + refused;
    const reason = bad[0]?.reason ?? "a trace record that does not match the record schema";
    const message = `The app's runtime sent ${count} malformed op${count === 1 ? "" : "s"}, dropped: ${reason.slice(0, 500)}`;
    this.trace.add({ kind: "error", message, code: "BAD_OP" });
    this.log(`${message} (BAD_OP)`);
    for (const cid of new Set(bad.map((op) => op.cid))) {
      const conn = cid === undefined ? undefined : this.connections.get(cid);
      if (conn === undefined || conn.version !== version || conn.finished) continue;
      this.trace.add({ kind: "server", event: "app_error", code: conn.accepted ? 1011 : 500, detail: "the app's runtime sent a malformed op for this connection", conn: { id: conn.cid, label: conn.label } });
      conn.host.event({ k: "drop", cid: conn.cid });
      conn.finish(new SandboxAppError("malformed op"));
    }
  }

  private relay(conn: PlayConnection, sent: AppSend, bytes: Uint8Array[]): void {
    let message: Record<string, unknown> = sent;
    if (sent.type === "websocket.send" && sent.bytes !== undefined) {
      const data = "$b" in sent.bytes ? bytes[sent.bytes.$b] : Buffer.from(sent.bytes.$b64, "base64");
      if (data === undefined) throw new Error(`no bytes at index ${"$b" in sent.bytes ? sent.bytes.$b : ""}`);
      message = { ...sent, bytes: data };
    } else if (sent.type === "websocket.accept" && sent.headers !== undefined) {
      message = { ...sent, headers: sent.headers.map(([k, v]) => [Buffer.from(k, "latin1"), Buffer.from(v, "latin1")]) };
    }
    const tag = { id: conn.cid, label: conn.label };
    try {
      void conn.send(message as unknown as ASGISendEvent);
    } catch (error) {
      // The server refused what the sandbox's own check let through: end the connection as an app error.
      this.trace.add({ kind: "error", message: (error as Error).message, code: (error as { code?: string }).code, conn: tag });
      conn.host.event({ k: "drop", cid: conn.cid });
      return conn.finish(error);
    }
    if (sent.type === "websocket.accept") {
      conn.accepted = true;
      this.trace.add({ kind: "server", event: "accepted", detail: sent.subprotocol ? `subprotocol ${sent.subprotocol}` : undefined, conn: tag });
    } else if (sent.type === "websocket.close") {
      const rejected = !conn.accepted;
      this.trace.add({ kind: "server", event: rejected ? "rejected" : "closed", code: rejected ? 403 : sent.code ?? 1000, conn: tag });
    }
  }

  private end(conn: PlayConnection, error: ErrorData | null): void {
    if (error === null) return conn.finish();
    // What the isolate says for import() of anything; a learner needs the why.
    if (error.message === "Not supported") error = { ...error, message: "Not supported: import() of modules is not available in the sandbox" };
    const stack = conn.host.map_stack(error.stack || `${error.name}: ${error.message}`);
    const tag = { id: conn.cid, label: conn.label };
    this.trace.add({ kind: "error", message: `${error.name}: ${error.message}`, stack, conn: tag, code: error.code });
    this.trace.add({ kind: "server", event: "app_error", code: conn.accepted ? 1011 : 500, conn: tag });
    const e = new SandboxAppError(error.message);
    e.name = error.name;
    conn.finish(e);
  }
}
