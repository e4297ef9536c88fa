import { describe, expect, it } from "vitest";
import seed from "../../../python/examples/seed.py?raw";
import type { TraceRecord } from "../../../server/playground/protocol.ts";
import { describe as describe_record, close_meaning } from "./describe.ts";
import { add_accept, add_handler } from "./fixes.ts";
import { hints } from "./hints.ts";

const SEED = `import { SyncConsumer } from "channels";
export class MySyncConsumer extends SyncConsumer {
  websocket_connect(event) {
    console.log("WebSocket Connect...");
  }
}`;

let seq = 0;
const rec = (r: Record<string, unknown>): TraceRecord => ({ seq: ++seq, t: seq, conn: { id: "c1", label: "alice" }, ...r }) as TraceRecord;

describe("fixes", () => {
  it("adds an accept to a raw SyncConsumer's websocket_connect", () => {
    expect(add_accept(SEED)).toContain(`websocket_connect(event) {\n    this.send({ type: "websocket.accept" });\n    console.log`);
  });

  it("awaits it in an AsyncConsumer, and calls accept() in a generic consumer's connect", () => {
    expect(add_accept(SEED.replace("SyncConsumer", "AsyncConsumer").replace("SyncConsumer {", "AsyncConsumer {").replace("websocket_connect(event)", "async websocket_connect(event)")))
      .toContain(`await this.send({ type: "websocket.accept" });`);
    const generic = `class C extends AsyncWebsocketConsumer {\n  async connect() {\n    await this.channel_layer.group_add("g", this.channel_name);\n  }\n}`;
    expect(add_accept(generic)).toContain(`async connect() {\n    await this.accept();\n    await this.channel_layer`);
  });

  it("adds a handler named after the message type, inside the class", () => {
    const fixed = add_handler(`class C extends AsyncWebsocketConsumer {\n  async receive() {}\n}\nexport {};`, "chat.message")!;
    expect(fixed).toContain(`  async chat_message(event) {\n    console.log("chat.message", event);\n  }\n}\nexport {};`);
  });

  it("fixes the tutorial's Python seed, as written, and a generic Python consumer", () => {
    expect(add_accept(seed)).toContain(`    def websocket_connect(self, event):\n        self.send({"type": "websocket.accept"})\n        print('WebSocket Connect...')`);
    const generic = `class C(AsyncWebsocketConsumer):\n    async def connect(self):\n        pass\n\nclass D(C):\n    pass\n`;
    expect(add_accept(generic)).toContain(`    async def connect(self):\n        await self.accept()\n        pass`);
    expect(add_handler(generic, "chat.message", "C")).toContain(`        pass\n\n    async def chat_message(self, event):\n        print("chat.message", event)\n\nclass D(C):`);
  });

  it("gives up (null) where there is no class to fix", () => {
    expect(add_accept("export {};")).toBeNull();
  });
});

describe("hints", () => {
  it("explains a connect handler that returned without accepting, after the connection's records", () => {
    seq = 0;
    const records = [
      rec({ kind: "receive", message: { type: "websocket.connect" } }),
      rec({ kind: "handler", consumer: "MySyncConsumer", name: "websocket_connect", message: { type: "websocket.connect" }, duration_ms: 0 }),
      rec({ kind: "console", level: "log", text: "WebSocket Connect..." }),
    ];
    const [hint] = hints(records);
    expect(hint).toMatchObject({ title: "The consumer never accepted", after: 3 });
    expect(hint!.fix!.apply(SEED)).toContain("websocket.accept");
  });

  it("says nothing when the handler accepted (its record comes first: it is logged where the call starts)", () => {
    seq = 0;
    expect(hints([
      rec({ kind: "handler", consumer: "E", name: "websocket_connect", message: {}, duration_ms: 1 }),
      rec({ kind: "send", message: { type: "websocket.accept" } }),
    ])).toEqual([]);
  });

  it("names the handler a message type needs", () => {
    seq = 0;
    const [hint] = hints([rec({ kind: "error", message: "ValueError: No handler for message type chat.message", code: "NO_HANDLER" })]);
    expect(hint!.text).toContain("chat.message needs a method chat_message(event)");
    expect(hint!.fix!.label).toBe("Add chat_message and run");
  });

  it("explains send before accept, a stopped handler and a dropped handshake", () => {
    seq = 0;
    const titles = hints([
      rec({ kind: "error", message: "Socket has not been accepted, so cannot send over it", code: "WS_SEND_BEFORE_ACCEPT" }),
      rec({ kind: "error", message: "Spin.websocket_receive ran longer than 1000 ms and was stopped", code: "HANDLER_TIMEOUT" }),
      rec({ kind: "server", event: "handshake_timeout", code: 1006 }),
    ]).map((h) => h.title);
    expect(titles).toEqual(["Send before accept", "A handler was stopped", "Handshake dropped"]);
  });
});

describe("log rows", () => {
  it("summarizes messages, with what a close code means", () => {
    seq = 0;
    expect(describe_record(rec({ kind: "receive", message: { type: "websocket.receive", text: "hello" } })).summary).toBe('websocket.receive text "hello"');
    expect(describe_record(rec({ kind: "receive", message: { type: "websocket.disconnect", code: 1006 } })).summary).toContain("1006 (abnormal");
    expect(describe_record(rec({ kind: "server", event: "restarted", code: 1012 })).summary).toContain("service restart");
    expect(close_meaning(4001)).toBe("an application's own code");
  });
});

describe("hints for what the server stopped or refused", () => {
  it("explains a compile the compiler gave up on, by its code, and a malformed op", () => {
    const stopped = hints([rec({ kind: "error", message: "Compile error: COMPILE_TIMEOUT: compiling took longer than 2000 ms", code: "COMPILE_TIMEOUT", conn: undefined })]);
    expect(stopped.map((h) => h.title)).toEqual(["The compiler gave up"]);
    expect(stopped[0]!.text).toMatch(/time limit.*previous code keeps running/);
    expect(hints([rec({ kind: "error", message: "x", code: "COMPILE_BUSY" })])[0]!.text).toMatch(/run again in a moment/);
    expect(hints([rec({ kind: "error", message: "x", code: "BAD_OP" })])[0]!.title).toMatch(/refused/);
  });
});
