// The control socket between the playground UI and its session, written with the framework itself. Every
// message is checked against the schema in protocol.ts; a bad one gets an error reply and changes nothing.
import { timingSafeEqual } from "node:crypto";
import { AsyncWebsocketConsumer, type ConsumerClass } from "../channels/index.ts";
import { ClientMessage, type ServerMessage, type TraceRecord } from "./protocol.ts";
import type { BrowserHost } from "./browser-runtime.ts";
import type { Session } from "./session.ts";
import type { SessionManager } from "./sessions.ts";
import type { TraceSink } from "./trace.ts";

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function control_consumer(manager: SessionManager): ConsumerClass {
  return class ControlConsumer extends AsyncWebsocketConsumer implements TraceSink, BrowserHost {
    session: Session | null = null;
    authenticated = false;

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
        await this.close(4404);
      }
    }

    override async receive(text_data?: string) {
      if (text_data === undefined) return this.error("BAD_MESSAGE", "Control messages are JSON text frames");
      let data: unknown;
      try {
        data = JSON.parse(text_data);
      } catch {
        return this.error("BAD_JSON", "The message is not valid JSON");
      }
      const parsed = ClientMessage.safeParse(data);
      if (!parsed.success) return this.error("BAD_MESSAGE", parsed.error.issues.map((i) => `${i.path.join(".") || "message"}: ${i.message}`).join("; "));
      const message = parsed.data;
      const session = this.session!;
      if (message.type === "hello") {
        if (!same(message.token, session.token)) {
          await this.error("BAD_TOKEN", "This token does not open this session");
          return this.close(4403);
        }
        this.authenticated = true;
        session.last_active = Date.now();
        await this.reply({
          type: "welcome", session: session.id, ws_path: `/ws/play/${session.id}/`, version: session.version, code: session.code, language: session.language,
          limits: {
            handler_timeout_ms: session.options.handler_timeout_ms, memory_mb: session.options.memory_mb,
            max_connections: session.options.max_connections, handshake_timeout_s: session.options.handshake_timeout_s,
          },
        });
        session.trace.attach(this, message.since ?? 0);
        session.set_tracing(true);
        session.attach_tab(this);
        return;
      }
      if (!this.authenticated) return this.error("HELLO_REQUIRED", "Send hello with the session's token first");
      if (message.type === "ping") return this.reply({ type: "pong", id: message.id });
      if (message.type === "run") {
        // Not awaited: a Python run waits for this same socket's py_loaded, which comes as a later message.
        void session.run(message.code, message.language).then((result) => this.reply({ type: "run_result", ...result })).catch(() => {});
        return;
      }
      session.from_tab(this, message);
    }

    post(message: ServerMessage): void {
      void this.reply(message).catch(() => {});
    }

    deliver(records: TraceRecord[], dropped: number): void {
      void this.reply(dropped > 0 ? { type: "trace", records, dropped } : { type: "trace", records }).catch(() => {});
    }

    override async disconnect() {
      if (this.session === null || !this.authenticated) return;
      this.session.trace.detach(this);
      this.session.detach_tab(this);
      if (this.session.trace.watchers === 0) this.session.set_tracing(false);
    }
  };
}
