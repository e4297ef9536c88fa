// The control socket between the playground UI and its session, written with the framework itself. Every
// message is bounded and checked against the schema in protocol.ts before anything acts on it; a bad one gets
// an error reply and changes nothing.
import { timingSafeEqual } from "node:crypto";
import { AsyncWebsocketConsumer, type ConsumerClass } from "../channels/index.ts";
import { json_violation } from "./json-limits.ts";
import { CONTROL_CLOSE, CONTROL_LIMITS, ClientMessage, type ServerMessage } from "./protocol.ts";
import type { Session, Viewer } from "./session.ts";
import type { SessionManager } from "./sessions.ts";

/** Compares secrets in constant time; texts of any characters and lengths (a byte-length mismatch is a plain no). */
export function same_secret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function control_consumer(manager: SessionManager): ConsumerClass {
  return class ControlConsumer extends AsyncWebsocketConsumer implements Viewer {
    session: Session | null = null;
    greeted = false;

    private reply(message: ServerMessage): Promise<void> {
      return this.send(JSON.stringify(message));
    }

    private error(code: string, message: string): Promise<void> {
      return this.reply({ type: "error", code, message });
    }

    override async connect() {
      this.session = manager.get(String(this.scope.url_route?.kwargs.session)) ?? null;
      await this.accept();
      if (this.session === null) {
        await this.error("UNKNOWN_SESSION", "No such session (it may have expired): reload the playground");
        await this.close(CONTROL_CLOSE.UNKNOWN_SESSION);
      }
    }

    override async receive(text_data?: string) {
      const session = this.session;
      if (session === null) return; // closing: see connect()
      if (text_data === undefined) return this.error("BAD_MESSAGE", "Control messages are JSON text frames");
      let data: unknown;
      try {
        data = JSON.parse(text_data);
      } catch {
        return this.error("BAD_JSON", "The message is not valid JSON");
      }
      const violation = json_violation(data, CONTROL_LIMITS);
      if (violation !== null) return this.error("BAD_MESSAGE", `The message is ${violation}`);
      const parsed = ClientMessage.safeParse(data);
      if (!parsed.success) return this.error("BAD_MESSAGE", parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "message"}: ${i.message}`).join("; "));
      const message = parsed.data;
      if (message.type === "ping") return this.reply({ type: "pong", id: message.id });
      if (message.type === "hello") {
        if (this.greeted) return this.error("HELLO_TWICE", "This socket has said hello already");
        if (!same_secret(message.token, session.token)) {
          await this.error("BAD_TOKEN", "This token does not open this session");
          return this.close(CONTROL_CLOSE.BAD_TOKEN);
        }
        this.greeted = true;
        await this.reply({
          type: "welcome", session: session.id, ws_path: `/ws/play/${session.id}/`, version: session.version, code: session.code, language: session.language,
          limits: {
            handler_timeout_ms: session.options.handler_timeout_ms, memory_mb: session.options.memory_mb,
            max_connections: session.options.max_connections, handshake_timeout_s: session.options.handshake_timeout_s,
          },
        });
        return session.attach_viewer(this, message.since ?? 0);
      }
      if (!this.greeted) return this.error("HELLO_REQUIRED", "Send hello with the session's token first");
      session.last_active = Date.now();
      if (message.type === "run") {
        // Not awaited: a Python run waits for this same socket's py_loaded, which comes as a later message.
        void session.run(message.code, message.language).then((result) => this.reply({ type: "run_result", ...result })).catch(() => {});
        return;
      }
      session.from_viewer(this, message);
    }

    post(message: ServerMessage): Promise<void> {
      return this.reply(message).catch(() => {});
    }

    deliver(frame: string): Promise<void> {
      return this.send(frame).catch(() => {});
    }

    too_slow(): void {
      void this.drop(CONTROL_CLOSE.TOO_SLOW);
    }

    async drop(code: number): Promise<void> {
      await this.close(code).catch(() => {});
    }

    override async disconnect() {
      if (this.session !== null && this.greeted) this.session.detach_viewer(this);
    }
  };
}
