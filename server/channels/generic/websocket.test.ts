import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AcceptConnection, AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer, channel_layers, configure, DenyConnection,
  InMemoryChannelLayer, InvalidChannelLayerError, JsonWebsocketConsumer, reset_settings, ValueError,
  WebsocketCommunicator, WebsocketConsumer, type Bytes, type WebSocketConnectEvent,
} from "../index.ts";

const bytes = (...b: number[]) => Uint8Array.from(b);

// The sync and async consumers follow the same rules; each case runs against both.
describe.each([
  ["WebsocketConsumer", false],
  ["AsyncWebsocketConsumer", true],
] as const)("%s", (_name, is_async) => {
  const Base = (is_async ? AsyncWebsocketConsumer : WebsocketConsumer) as typeof WebsocketConsumer;
  afterEach(() => reset_settings());

  it("accepts by default, echoes text as text and bytes as bytes, and reports the disconnect code", async () => {
    const codes: Array<number | null> = [];
    class Echo extends Base {
      override receive(text_data?: string, bytes_data?: Bytes) {
        return text_data !== undefined ? this.send(text_data) : this.send({ bytes_data });
      }
      override disconnect(code: number | null) { codes.push(code); }
    }
    const c = new WebsocketCommunicator(Echo.as_asgi(), "/ws/echo/");
    expect(await c.connect()).toEqual([true, null]);
    await c.send_to("hello");
    expect(await c.receive_from()).toBe("hello");
    await c.send_to(null, bytes(1, 2, 3));
    expect(await c.receive_from()).toEqual(bytes(1, 2, 3));
    await c.disconnect(4005);
    expect(codes).toEqual([4005]);
  });

  it("accepts with a subprotocol, positionally or as an option", async () => {
    for (const arg of ["chat.v2", { subprotocol: "chat.v2" }]) {
      class Sub extends Base { override connect() { return this.accept(arg); } }
      const c = new WebsocketCommunicator(Sub.as_asgi(), "/", { subprotocols: ["chat.v1", "chat.v2"] });
      expect(await c.connect()).toEqual([true, "chat.v2"]);
    }
  });

  it("turns DenyConnection into a close and AcceptConnection into an accept", async () => {
    class Deny extends Base { override connect(): void { throw new DenyConnection(); } }
    class Accept extends Base { override connect(): void { throw new AcceptConnection(); } }
    expect(await new WebsocketCommunicator(Deny.as_asgi(), "/").connect()).toEqual([false, 1000]);
    expect(await new WebsocketCommunicator(Accept.as_asgi(), "/").connect()).toEqual([true, null]);
  });

  it("closes with a code, or with 1000 when close=true follows a send", async () => {
    class Closer extends Base {
      override receive(text_data?: string) {
        return text_data === "bye" ? this.send({ text_data: "ciao", close: true }) : this.close(4001);
      }
    }
    const c = new WebsocketCommunicator(Closer.as_asgi(), "/");
    await c.connect();
    await c.send_to("bye");
    expect(await c.receive_from()).toBe("ciao");
    expect(await c.receive_output()).toEqual({ type: "websocket.close" });
    await c.send_to("again");
    expect(await c.receive_output()).toEqual({ type: "websocket.close", code: 4001 });
    class WithReason extends Base { override connect() { return this.close({ code: 4002, reason: "full" }); } }
    const r = new WebsocketCommunicator(WithReason.as_asgi(), "/");
    await r.send_input({ type: "websocket.connect" });
    expect(await r.receive_output()).toEqual({ type: "websocket.close", code: 4002, reason: "full" });
  });

  it("refuses to send nothing, text given as bytes, and text and bytes together", async () => {
    const errors: string[] = [];
    class Bad extends Base {
      override async receive() {
        for (const attempt of [
          () => this.send(), () => this.send(bytes(1) as unknown as string), () => this.send("t", bytes(1)),
        ]) {
          try { await attempt(); } catch (e) { errors.push(`${(e as Error).name}: ${(e as Error).message}`); }
        }
      }
    }
    const c = new WebsocketCommunicator(Bad.as_asgi(), "/");
    await c.connect();
    await c.send_to("x");
    expect(await c.receive_nothing()).toBe(true);
    expect(errors).toEqual([
      "ValueError: You must pass one of bytes_data or text_data",
      expect.stringMatching(/^TypeError: text_data must be a string/),
      "ValueError: You must pass one of bytes_data or text_data, not both",
    ]);
  });

  it("joins `groups` before connect, delivers group messages to handlers, and leaves them on disconnect", async () => {
    const layer = new InMemoryChannelLayer();
    configure({ CHANNEL_LAYERS: { default: { BACKEND: InMemoryChannelLayer } } });
    channel_layers.set("default", layer);
    const members_at_connect: string[][] = [];
    class Chat extends Base {
      override groups = ["room"];
      override connect() { members_at_connect.push(layer.group_members("room")); return this.accept(); }
      room_message(event: { text: string }) { return this.send(`got ${event.text}`); }
    }
    const c = new WebsocketCommunicator(Chat.as_asgi(), "/");
    await c.connect();
    expect(members_at_connect[0]).toHaveLength(1);
    await layer.group_send("room", { type: "room.message", text: "hi" });
    expect(await c.receive_from()).toBe("got hi");
    await c.disconnect();
    expect(layer.group_members("room")).toEqual([]);
  });

  it("raises InvalidChannelLayerError for groups without a layer", async () => {
    class Chat extends Base { override groups = ["room"]; }
    const c = new WebsocketCommunicator(Chat.as_asgi(), "/");
    await c.send_input({ type: "websocket.connect" });
    await expect(c.wait()).rejects.toThrow(new InvalidChannelLayerError("BACKEND is unconfigured or doesn't support groups"));
  });

  it("hands an exception in receive to the next read, as a crashed consumer", async () => {
    class Boom extends Base { override receive(): void { throw new Error("boom"); } }
    const c = new WebsocketCommunicator(Boom.as_asgi(), "/");
    await c.connect();
    await c.send_to("x");
    await expect(c.receive_from()).rejects.toThrow("boom");
  });

  it("types a connect handler override the way a tutorial writes it", async () => {
    const events: WebSocketConnectEvent[] = [];
    class Raw extends Base {
      override websocket_connect(event: WebSocketConnectEvent) { events.push(event); return super.websocket_connect(event); }
    }
    expect(await new WebsocketCommunicator(Raw.as_asgi(), "/").connect()).toEqual([true, null]);
    expect(events).toEqual([{ type: "websocket.connect" }]);
  });
});

describe.each([
  ["JsonWebsocketConsumer", false],
  ["AsyncJsonWebsocketConsumer", true],
] as const)("%s", (_name, is_async) => {
  const Base = (is_async ? AsyncJsonWebsocketConsumer : JsonWebsocketConsumer) as typeof JsonWebsocketConsumer;
  class Echo extends Base {
    override receive_json(content: unknown) { return this.send_json({ echo: content }); }
  }

  it("decodes JSON for receive_json and encodes as Python's json.dumps", async () => {
    const c = new WebsocketCommunicator(Echo.as_asgi(), "/");
    await c.connect();
    await c.send_json_to({ a: [1, 2], s: "é\n" });
    expect(await c.receive_from()).toBe('{"echo": {"a": [1, 2], "s": "\\u00e9\\n"}}');
    await c.send_to("null");
    expect(await c.receive_json_from()).toEqual({ echo: null });
  });

  it("crashes on invalid JSON, a binary frame, and an empty text frame", async () => {
    for (const frame of [{ text: "{not json" }, { bytes: bytes(1) }, { text: "" }]) {
      const c = new WebsocketCommunicator(Echo.as_asgi(), "/");
      await c.connect();
      await c.send_input({ type: "websocket.receive", ...frame });
      const expected = "text" in frame && frame.text !== "" ? SyntaxError : ValueError;
      await expect(c.wait()).rejects.toThrow(expected);
    }
  });

  it("sends JSON and closes with send_json(content, close)", async () => {
    class Bye extends Base { override receive_json(content: unknown) { return this.send_json(content, { close: 4000 }); } }
    const c = new WebsocketCommunicator(Bye.as_asgi(), "/");
    await c.connect();
    await c.send_json_to([1]);
    expect(await c.receive_from()).toBe("[1]");
    expect(await c.receive_output()).toEqual({ type: "websocket.close", code: 4000 });
  });

  it("lets a subclass override encode_json and decode_json", async () => {
    class Compact extends Echo {
      static override encode_json(content: unknown): string { return JSON.stringify(content); }
    }
    const c = new WebsocketCommunicator(Compact.as_asgi(), "/");
    await c.connect();
    await c.send_json_to({ a: 1 });
    // The async class's encode_json is async; a sync override still works through `await`.
    expect(await c.receive_from()).toBe('{"echo":{"a":1}}');
  });
});
