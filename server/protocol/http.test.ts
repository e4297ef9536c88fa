import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import {
  AsyncHttpConsumer, AsyncWebsocketConsumer, HttpCommunicator, ProtocolTypeRouter, SessionMiddlewareStack, URLRouter,
  path, type ASGIApp, type Bytes, type Session,
} from "../channels/index.ts";
import { get_asgi_application } from "./express-adapter.ts";
import { start, type TestServer } from "./test-support.ts";

let server: TestServer;
afterEach(async () => server?.close());
const http_url = (p: string) => `http://127.0.0.1:${server.port}${p}`;

class Hello extends AsyncHttpConsumer {
  override async handle(body: Bytes) {
    const query = new TextDecoder().decode(this.scope.query_string);
    await this.send_response(201, `${this.scope.method} ${this.scope.path} ${query} ${new TextDecoder().decode(body)}`, {
      headers: [["X-Mode", "demo"], ["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]],
    });
  }
}

describe("HTTP scopes", () => {
  it("serves an AsyncHttpConsumer: method, path, query and body in; status and repeated headers out", async () => {
    server = await start(ProtocolTypeRouter({ http: Hello.as_asgi() }));
    const response = await fetch(http_url("/hi%20there?x=1"), { method: "POST", body: "payload" });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-mode")).toBe("demo");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await response.text()).toBe("POST /hi there x=1 payload");
  });

  it("serves an Express app through get_asgi_application, next to websocket routes (the seed's ProtocolTypeRouter)", async () => {
    const views = express();
    views.get("/", (_req, res) => { res.json({ ok: true }); });
    views.post("/echo", express.text(), (req, res) => { res.status(202).send(`got ${String(req.body)}`); });
    server = await start(ProtocolTypeRouter({
      http: get_asgi_application(views),
      websocket: URLRouter([path("ws/", AsyncWebsocketConsumer.as_asgi())]),
    }));
    const index = await fetch(http_url("/"));
    expect([index.status, await index.json()]).toEqual([200, { ok: true }]);
    const echo = await fetch(http_url("/echo"), { method: "POST", body: "x", headers: { "Content-Type": "text/plain" } });
    expect([echo.status, await echo.text()]).toEqual([202, "got x"]);
    expect((await fetch(http_url("/missing"))).status).toBe(404);
  });

  it("lets middleware that wraps send see an Express response (sessions set their cookie)", async () => {
    const views = express();
    views.get("/", (_req, res) => { res.send("hi"); });
    const with_session: ASGIApp = async (scope, receive, send) => {
      (scope.session as Session).set("seen", true);
      return get_asgi_application(views)(scope, receive, send);
    };
    const response = await new HttpCommunicator(SessionMiddlewareStack(with_session), "GET", "/").get_response();
    const cookies = response.headers.filter(([k]) => new TextDecoder().decode(k) === "Set-Cookie");
    expect(cookies).toHaveLength(1);
    expect(new TextDecoder().decode(response.body)).toBe("hi");
  });

  it("answers app errors with Daphne's 500 page: an exception, no http app, a bad response", async () => {
    class Boom extends AsyncHttpConsumer { override async handle(): Promise<void> { throw new Error("kaput"); } }
    class Unstarted extends AsyncHttpConsumer { override async handle() { await this.send_body("no start"); } }
    server = await start(URLRouter([path("boom/", Boom.as_asgi()), path("unstarted/", Unstarted.as_asgi())]));
    for (const target of ["/boom/", "/unstarted/", "/no-route/"]) {
      const response = await fetch(http_url(target));
      expect(response.status).toBe(500);
      expect(await response.text()).toContain("Exception inside application.");
    }
    expect(server.logs.filter((l) => l.startsWith("error"))).toEqual([
      "error Exception inside application: kaput",
      "error Exception inside application: HTTP response has not yet been started but got http.response.body",
      "error Exception inside application: No route found for path 'no-route/'.",
    ]);
  });

  it("answers 500 when an app returns without a response, and 413 for a body over the limit", async () => {
    server = await start((async () => {}) as ASGIApp, { max_request_body: 10 });
    expect((await fetch(http_url("/"))).status).toBe(500);
    expect((await fetch(http_url("/"), { method: "POST", body: "x".repeat(11) })).status).toBe(413);
  });
});
