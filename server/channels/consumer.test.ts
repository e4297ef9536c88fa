import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AsyncConsumer, async_to_sync, channel_layers, configure, get_handler_name, InMemoryChannelLayer, reset_settings,
  RuntimeError, StopConsumer, SyncConsumer, ValueError, WebsocketCommunicator, type ChannelMessage,
  type WebSocketReceiveEvent,
} from "./index.ts";
import { sleep } from "./util/timers.ts";

const IN_MEMORY = { default: { BACKEND: "channels.layers.InMemoryChannelLayer" } };

describe("get_handler_name", () => {
  it("replaces dots with underscores", () => {
    expect(get_handler_name({ type: "websocket.receive" })).toBe("websocket_receive");
    expect(get_handler_name({ type: "chat.message.new" })).toBe("chat_message_new");
  });

  it("rejects a message without a type, with Channels' text", () => {
    expect(() => get_handler_name({ text: "x" })).toThrow(new ValueError("Incoming message has no 'type' attribute"));
  });

  it("rejects a leading underscore, including one made from a dot", () => {
    for (const type of ["_private", ".x"]) {
      expect(() => get_handler_name({ type })).toThrow(new ValueError("Malformed type in message (leading underscore)"));
    }
  });
});

describe("AsyncConsumer", () => {
  beforeEach(() => configure({ CHANNEL_LAYERS: IN_MEMORY }));
  afterEach(() => reset_settings());

  it("dispatches each event to the handler its type names, and crashes on one with no handler", async () => {
    const seen: string[] = [];
    class Consumer extends AsyncConsumer {
      async websocket_connect() { seen.push("connect"); await this.send({ type: "websocket.accept" }); }
      async websocket_receive(event: WebSocketReceiveEvent) { seen.push(`receive:${String(event.text)}`); }
    }
    const c = new WebsocketCommunicator(Consumer.as_asgi(), "/");
    expect(await c.connect()).toEqual([true, null]);
    await c.send_to("hi");
    await c.send_input({ type: "custom.event" } as never);
    const error = await c.wait().then(() => null, (e: unknown) => e);
    expect(error).toEqual(new ValueError("No handler for message type custom.event"));
    expect((error as ValueError).code).toBe("NO_HANDLER");
    expect(seen).toEqual(["connect", "receive:hi"]);
  });

  it("does not treat Object.prototype members as handlers", async () => {
    class Consumer extends AsyncConsumer {}
    const c = new WebsocketCommunicator(Consumer.as_asgi(), "/");
    await c.send_input({ type: "toString" } as never);
    await expect(c.wait()).rejects.toThrow("No handler for message type toString");
  });

  it("runs one handler at a time, in order: a slow handler delays the next event", async () => {
    const log: string[] = [];
    class Consumer extends AsyncConsumer {
      async websocket_receive(event: WebSocketReceiveEvent) {
        log.push(`start ${String(event.text)}`);
        if (event.text === "slow") await sleep(0.05);
        log.push(`end ${String(event.text)}`);
      }
    }
    const c = new WebsocketCommunicator(Consumer.as_asgi(), "/");
    await c.send_to("slow");
    await c.send_to("fast");
    await sleep(0.1);
    expect(log).toEqual(["start slow", "end slow", "start fast", "end fast"]);
    c.stop(false);
  });

  it("merges channel-layer messages into the same loop, the client's first when both are ready", async () => {
    const log: string[] = [];
    let name = "";
    class Consumer extends AsyncConsumer {
      async websocket_connect() { name = this.channel_name; }
      async websocket_receive() { log.push("client"); }
      async layer_ping() { log.push("layer"); }
    }
    const layer = new InMemoryChannelLayer();
    channel_layers.set("default", layer);
    const c = new WebsocketCommunicator(Consumer.as_asgi(), "/");
    await c.send_input({ type: "websocket.connect" });
    await sleep(0.01);
    // Both reads complete while the consumer is idle; the layer's even completes first.
    void layer.send(name, { type: "layer.ping" });
    void c.send_input({ type: "websocket.receive", text: "x" });
    await sleep(0.01);
    expect(log).toEqual(["client", "layer"]);
    expect(name).toMatch(/^specific\.\.inmemory![a-zA-Z]{12}$/);
    c.stop(false);
  });

  it("sets scope, channel_layer and channel_name; without a layer there is no channel_name", async () => {
    const seen: Array<[unknown, unknown, unknown]> = [];
    class Consumer extends AsyncConsumer {
      async websocket_connect() {
        seen.push([this.scope.path, this.channel_layer, this.channel_name]);
        throw new StopConsumer();
      }
    }
    await new WebsocketCommunicator(Consumer.as_asgi(), "/a/").connect(0.05).catch(() => {});
    expect(seen[0]![0]).toBe("/a/");
    expect(seen[0]![1]).toBeInstanceOf(InMemoryChannelLayer);
    reset_settings();
    await new WebsocketCommunicator(Consumer.as_asgi(), "/b/").connect(0.05).catch(() => {});
    expect(seen[1]).toEqual(["/b/", null, undefined]);
  });

  it("ends cleanly on StopConsumer and stops listening on its channel", async () => {
    const layer = new InMemoryChannelLayer();
    channel_layers.set("default", layer);
    let name = "";
    class Consumer extends AsyncConsumer {
      async websocket_connect() { name = this.channel_name; throw new StopConsumer(); }
    }
    const c = new WebsocketCommunicator(Consumer.as_asgi(), "/");
    await c.send_input({ type: "websocket.connect" });
    await c.wait();
    // The receive it was waiting on is withdrawn, so a message sent now stays queued instead of vanishing.
    await layer.send(name, { type: "late" });
    expect(await layer.receive(name)).toEqual({ type: "late" });
  });

  it("as_asgi builds a fresh instance per connection with its initkwargs", async () => {
    const instances: AsyncConsumer[] = [];
    class Consumer extends AsyncConsumer {
      readonly greeting: unknown;
      constructor(initkwargs: { greeting?: string } = {}) { super(); this.greeting = initkwargs.greeting; instances.push(this); }
      async websocket_connect() { await this.send({ type: "websocket.close", code: 4000 + instances.length }); }
    }
    const app = Consumer.as_asgi({ greeting: "hello" });
    expect(app.name).toBe("Consumer");
    expect(app.consumer_class).toBe(Consumer);
    expect(app.consumer_initkwargs).toEqual({ greeting: "hello" });
    expect(await new WebsocketCommunicator(app, "/").connect()).toEqual([false, 4001]);
    expect(await new WebsocketCommunicator(app, "/").connect()).toEqual([false, 4002]);
    expect(instances[0]).not.toBe(instances[1]);
    expect(instances.map((i) => (i as Consumer).greeting)).toEqual(["hello", "hello"]);
  });
});

describe("SyncConsumer", () => {
  afterEach(() => reset_settings());

  it("has plain-function handlers whose sends keep their order", async () => {
    class Consumer extends SyncConsumer {
      websocket_connect() { this.send({ type: "websocket.accept" }); }
      websocket_receive(event: WebSocketReceiveEvent) {
        for (let i = 0; i < 3; i++) this.send({ type: "websocket.send", text: `${String(event.text)}${i}` });
      }
    }
    const c = new WebsocketCommunicator(Consumer.as_asgi(), "/");
    expect(await c.connect()).toEqual([true, null]);
    await c.send_to("a");
    await c.send_to("b");
    const frames = [];
    for (let i = 0; i < 6; i++) frames.push(await c.receive_from());
    expect(frames).toEqual(["a0", "a1", "a2", "b0", "b1", "b2"]);
  });

  it("finishes what async_to_sync started before taking the next event", async () => {
    configure({ CHANNEL_LAYERS: IN_MEMORY });
    class Consumer extends SyncConsumer {
      websocket_connect() {
        async_to_sync(this.channel_layer!.group_add)("room", this.channel_name);
        this.send({ type: "websocket.accept" });
      }
      websocket_receive(event: WebSocketReceiveEvent) {
        async_to_sync(this.channel_layer!.group_send)("room", { type: "room.message", text: event.text });
      }
      room_message(event: ChannelMessage) { this.send({ type: "websocket.send", text: `room: ${String(event.text)}` }); }
    }
    const c = new WebsocketCommunicator(Consumer.as_asgi(), "/");
    await c.connect();
    await c.send_to("hello");
    expect(await c.receive_from()).toBe("room: hello");
  });

  it("explains a handler that returns a Promise", async () => {
    class Consumer extends SyncConsumer {
      async websocket_connect() { this.send({ type: "websocket.accept" }); }
    }
    const c = new WebsocketCommunicator(Consumer.as_asgi(), "/");
    await c.send_input({ type: "websocket.connect" });
    await expect(c.wait()).rejects.toThrow(/Consumer\.websocket_connect\(\) returned a Promise/);
  });

  it("refuses async_to_sync outside a sync handler, with asgiref's text", () => {
    expect(() => async_to_sync(async () => {})()).toThrow(
      new RuntimeError("You cannot use AsyncToSync in the same thread as an async event loop - just await the async function directly."),
    );
  });
});
