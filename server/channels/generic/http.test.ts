import { describe, expect, it } from "vitest";
import { ApplicationCommunicator, AsyncHttpConsumer, HttpCommunicator, NotImplementedError, type Bytes } from "../index.ts";

const text = (b: Bytes) => new TextDecoder().decode(b);
const header_list = (headers: Array<[Bytes, Bytes]>) => headers.map(([k, v]) => [text(k), text(v)]);

describe("AsyncHttpConsumer", () => {
  it("hands the whole body to handle() and sends a response", async () => {
    const disconnects: string[] = [];
    class Echo extends AsyncHttpConsumer {
      override async handle(body: Bytes) {
        await this.send_response(200, `you sent ${text(body)}`, { headers: { "Content-Type": "text/plain" } });
      }
      override async disconnect() { disconnects.push("done"); }
    }
    const c = new HttpCommunicator(Echo.as_asgi(), "POST", "/echo/?x=1", "hello");
    const response = await c.get_response();
    expect(response.status).toBe(200);
    expect(header_list(response.headers)).toEqual([["Content-Type", "text/plain"]]);
    expect(text(response.body)).toBe("you sent hello");
    await c.wait();
    expect(disconnects).toEqual(["done"]);
  });

  it("joins body chunks until more_body is false", async () => {
    class Len extends AsyncHttpConsumer {
      override async handle(body: Bytes) { await this.send_response(200, String(body.length)); }
    }
    const c = new ApplicationCommunicator(Len.as_asgi(), {
      type: "http", method: "POST", path: "/", http_version: "1.1", query_string: new Uint8Array(), headers: [],
    });
    await c.send_input({ type: "http.request", body: new Uint8Array(3), more_body: true });
    await c.send_input({ type: "http.request", body: new Uint8Array(4), more_body: false });
    expect(await c.receive_output()).toEqual({ type: "http.response.start", status: 200, headers: [] });
    expect(await c.receive_output()).toMatchObject({ type: "http.response.body", body: new TextEncoder().encode("7") });
  });

  it("streams with send_headers and send_body(more_body)", async () => {
    class Stream extends AsyncHttpConsumer {
      override async handle() {
        await this.send_headers({ headers: [["X-Mode", "stream"]] });
        await this.send_body("a", { more_body: true });
        await this.send_body(new TextEncoder().encode("b"));
      }
    }
    const response = await new HttpCommunicator(Stream.as_asgi(), "GET", "/").get_response();
    expect(response.status).toBe(200);
    expect(header_list(response.headers)).toEqual([["X-Mode", "stream"]]);
    expect(text(response.body)).toBe("ab");
  });

  it("raises NotImplementedError without handle(), and lets exceptions propagate (Channels 4.1+)", async () => {
    class Nothing extends AsyncHttpConsumer {}
    await expect(new HttpCommunicator(Nothing.as_asgi(), "GET", "/").get_response()).rejects.toThrow(
      new NotImplementedError("Subclasses of AsyncHttpConsumer must provide a handle() method."),
    );
  });

  it("runs disconnect() when the client goes away", async () => {
    const seen: string[] = [];
    class Slow extends AsyncHttpConsumer {
      override async disconnect() { seen.push("disconnect"); }
    }
    const c = new ApplicationCommunicator(Slow.as_asgi(), {
      type: "http", method: "GET", path: "/", http_version: "1.1", query_string: new Uint8Array(), headers: [],
    });
    await c.send_input({ type: "http.disconnect" });
    await c.wait();
    expect(seen).toEqual(["disconnect"]);
  });
});
