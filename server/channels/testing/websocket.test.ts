import { describe, expect, it } from "vitest";
import {
  AssertionError, AsyncConsumer, AsyncWebsocketConsumer, TimeoutError, URLRouter, ValueError, WebsocketCommunicator,
  path, type Bytes, type Scope,
} from "../index.ts";

// What the communicator reports differs from a real server in known ways (close in connect is
// (False, code), not HTTP 403); these tests pin the communicator's own, asgiref-compatible semantics.
describe("WebsocketCommunicator", () => {
  it("builds the scope from the path, query string, headers and subprotocols", async () => {
    let seen: Scope | undefined;
    const app = async (scope: Scope) => { seen = scope; };
    await new WebsocketCommunicator(app, "/ws/caf%C3%A9/?a=1&b=2", { headers: [["origin", "http://x"]], subprotocols: ["p"] }).wait();
    expect(seen).toEqual({
      type: "websocket", path: "/ws/café/", query_string: new TextEncoder().encode("a=1&b=2"),
      headers: [[new TextEncoder().encode("origin"), new TextEncoder().encode("http://x")]], subprotocols: ["p"],
    });
  });

  it("connect() gives [false, code] for a close, defaulting to 1000", async () => {
    class Reject extends AsyncWebsocketConsumer { override async connect() { await this.close(4003); } }
    expect(await new WebsocketCommunicator(Reject.as_asgi(), "/").connect()).toEqual([false, 4003]);
  });

  it("connect() counts any first output that is not a close as accepted, as asgiref does", async () => {
    class Early extends AsyncConsumer {
      async websocket_connect() { await this.send({ type: "websocket.send", text: "too early" }); }
    }
    expect(await new WebsocketCommunicator(Early.as_asgi(), "/").connect()).toEqual([true, null]);
  });

  it("connect() raises the app's own exception, such as a routing error", async () => {
    const app = URLRouter([path("ws/echo/", AsyncWebsocketConsumer.as_asgi())]);
    await expect(new WebsocketCommunicator(app, "/ws/nope/").connect()).rejects.toThrow(
      new ValueError("No route found for path 'ws/nope/'."),
    );
  });

  it("connect() times out on a consumer that never answers, and cancels it", async () => {
    class Silent extends AsyncConsumer { async websocket_connect() {} }
    const c = new WebsocketCommunicator(Silent.as_asgi(), "/");
    const started = Date.now();
    await expect(c.connect(0.1)).rejects.toThrow(TimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    await c.wait(0.5); // cancelled: its pending receive fails, so it ends promptly
    expect(c.done).toBe(true);
  });

  it("send_to needs exactly one non-empty payload", async () => {
    const c = new WebsocketCommunicator(AsyncWebsocketConsumer.as_asgi(), "/");
    const message = "You must supply exactly one of text_data or bytes_data";
    await expect(c.send_to("")).rejects.toThrow(new AssertionError(message));
    await expect(c.send_to("a", new Uint8Array(1))).rejects.toThrow(message);
    await expect(c.send_to()).rejects.toThrow(message);
  });

  it("receive_from insists on a websocket.send; receive_json_from on a text frame", async () => {
    class Mixed extends AsyncWebsocketConsumer {
      override async receive() { await this.send(null, Uint8Array.of(1)); await this.close(); }
    }
    const c = new WebsocketCommunicator(Mixed.as_asgi(), "/");
    await c.connect();
    await c.send_to("go");
    await expect(c.receive_json_from()).rejects.toThrow("JSON data is not a text frame");
    await expect(c.receive_from()).rejects.toThrow("Expected a websocket.send message, got websocket.close");
  });

  it("receive_nothing is true while quiet and false once output is waiting", async () => {
    class Echo extends AsyncWebsocketConsumer { override async receive(t?: string) { await this.send(t); } }
    const c = new WebsocketCommunicator(Echo.as_asgi(), "/");
    await c.connect();
    expect(await c.receive_nothing(0.05)).toBe(true);
    await c.send_to("x");
    expect(await c.receive_nothing(0.05)).toBe(false);
    expect(await c.receive_from()).toBe("x");
  });

  it("disconnect() waits for the app to finish, and times out if it does not", async () => {
    const done: string[] = [];
    class Polite extends AsyncWebsocketConsumer { override async disconnect(code: number | null) { done.push(`bye ${code}`); } }
    const c = new WebsocketCommunicator(Polite.as_asgi(), "/");
    await c.connect();
    await c.disconnect();
    expect(done).toEqual(["bye 1000"]);

    class Stubborn extends AsyncConsumer {
      async websocket_connect() { await this.send({ type: "websocket.accept" }); }
      async websocket_disconnect() { /* never raises StopConsumer: keeps running */ }
    }
    const s = new WebsocketCommunicator(Stubborn.as_asgi(), "/");
    await s.connect();
    await expect(s.disconnect(1000, 0.05)).rejects.toThrow(TimeoutError);
  });

  it("send_json_to sends Python's json.dumps text", async () => {
    let got: string | Bytes | undefined;
    class Spy extends AsyncWebsocketConsumer { override async receive(t?: string) { got = t; } }
    const c = new WebsocketCommunicator(Spy.as_asgi(), "/");
    await c.connect();
    await c.send_json_to({ a: [1, "b"] });
    await c.receive_nothing(0.02);
    expect(got).toBe('{"a": [1, "b"]}');
  });
});
