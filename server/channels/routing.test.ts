import { describe, expect, it } from "vitest";
import {
  AsyncConsumer, ChannelNameRouter, ImproperlyConfigured, ProtocolTypeRouter, re_path, path, URLRouter, ValueError,
  WebsocketCommunicator, HttpCommunicator, ApplicationCommunicator, type ASGIApp, type Scope,
} from "./index.ts";

/** An app that records the scope it was called with and ends. */
function recorder(name: string, seen: Array<[string, Scope]>): ASGIApp {
  return async (scope) => { seen.push([name, scope]); };
}

describe("ProtocolTypeRouter", () => {
  it("dispatches on scope.type", async () => {
    const seen: Array<[string, Scope]> = [];
    const app = ProtocolTypeRouter({ http: recorder("http", seen), websocket: recorder("ws", seen) });
    await new WebsocketCommunicator(app, "/").wait();
    await new HttpCommunicator(app, "GET", "/").wait();
    expect(seen.map(([name]) => name)).toEqual(["ws", "http"]);
  });

  it("names an unconfigured scope type as Channels does", async () => {
    const app = ProtocolTypeRouter({ http: async () => {} });
    await expect(new WebsocketCommunicator(app, "/").wait()).rejects.toThrow(
      new ValueError("No application configured for scope type 'websocket'"),
    );
  });

  it("works with and without `new`", () => {
    expect(typeof ProtocolTypeRouter({})).toBe("function");
    expect(new ProtocolTypeRouter({}).application_mapping).toEqual({});
  });

  it("refuses a consumer class mounted without as_asgi(), saying what to write", () => {
    class EchoConsumer extends AsyncConsumer {}
    expect(() => ProtocolTypeRouter({ websocket: EchoConsumer as unknown as ASGIApp })).toThrow(
      /consumer class EchoConsumer itself; mount EchoConsumer\.as_asgi\(\) instead/,
    );
  });
});

describe("URLRouter", () => {
  it("strips leading slashes, matches in order, and fills url_route with converted kwargs", async () => {
    const seen: Array<[string, Scope]> = [];
    const app = URLRouter([
      path("ws/chat/<str:room>/", recorder("str", seen)),
      path("ws/num/<int:n>/", recorder("int", seen)),
      path("ws/slug/<slug:s>/", recorder("slug", seen)),
      path("ws/uuid/<uuid:u>/", recorder("uuid", seen)),
      path("ws/file/<path:p>", recorder("path", seen)),
      path("ws/<str:anything>/", recorder("second", seen)),
    ]);
    for (const url of [
      "/ws/chat/lobby/", "//ws/num/42/", "/ws/slug/my-room_1/", "/ws/uuid/12345678-1234-1234-1234-123456789abc/",
      "/ws/file/a/b/c.txt", "/ws/chat/",
    ]) await new WebsocketCommunicator(app, url).wait();
    expect(seen.map(([name, scope]) => [name, scope.url_route])).toEqual([
      ["str", { args: [], kwargs: { room: "lobby" } }],
      ["int", { args: [], kwargs: { n: 42 } }],
      ["slug", { args: [], kwargs: { s: "my-room_1" } }],
      ["uuid", { args: [], kwargs: { u: "12345678-1234-1234-1234-123456789abc" } }],
      ["path", { args: [], kwargs: { p: "a/b/c.txt" } }],
      ["second", { args: [], kwargs: { anything: "chat" } }],
    ]);
  });

  it("adds the route's default kwargs and keeps path_remaining", async () => {
    const seen: Array<[string, Scope]> = [];
    const app = URLRouter([path("ws/<str:room>/", recorder("r", seen), { mode: "demo" })]);
    await new WebsocketCommunicator(app, "/ws/lobby/").wait();
    expect(seen[0]![1].url_route).toEqual({ args: [], kwargs: { room: "lobby", mode: "demo" } });
    expect(seen[0]![1].path_remaining).toBe("");
    expect(seen[0]![1].path).toBe("/ws/lobby/");
  });

  it("needs the trailing slash and a matching converter", async () => {
    const app = URLRouter([path("ws/num/<int:n>/", async () => {})]);
    for (const [url, shown] of [["/ws/num/42", "ws/num/42"], ["/ws/num/x/", "ws/num/x/"]]) {
      await expect(new WebsocketCommunicator(app, url!).wait()).rejects.toThrow(
        new ValueError(`No route found for path '${shown}'.`),
      );
    }
  });

  it("re_path: named groups become kwargs and drop positional ones; otherwise positional args", async () => {
    const seen: Array<[string, Scope]> = [];
    const app = URLRouter([
      re_path(String.raw`^ws/re/(\d+)/(?P<slug>[a-z]+)/$`, recorder("named", seen)),
      re_path(String.raw`^ws/pos/(\d+)/(\d+)/$`, recorder("positional", seen)),
      re_path(/^ws\/js\/(?<id>\d+)\/$/, recorder("regexp", seen)),
    ]);
    for (const url of ["/ws/re/1/foo/", "/ws/pos/1/2/", "/ws/js/7/"]) await new WebsocketCommunicator(app, url).wait();
    expect(seen.map(([, s]) => s.url_route)).toEqual([
      { args: [], kwargs: { slug: "foo" } },
      { args: ["1", "2"], kwargs: {} },
      { args: [], kwargs: { id: "7" } },
    ]);
  });

  it("nests routers: the outer route matches a prefix and kwargs merge", async () => {
    const seen: Array<[string, Scope]> = [];
    const inner = URLRouter([path("<int:inner>/", recorder("inner", seen))]);
    const app = URLRouter([path("ws/nested/<str:outer>/", inner)]);
    await new WebsocketCommunicator(app, "/ws/nested/out/5/").wait();
    expect(seen[0]![1].url_route).toEqual({ args: [], kwargs: { outer: "out", inner: 5 } });
  });

  it("lets the outer router try its next route when an inner one has no match", async () => {
    const seen: Array<[string, Scope]> = [];
    const app = URLRouter([
      path("ws/", URLRouter([path("a/", recorder("a", seen))])),
      path("ws/b/", recorder("b", seen)),
    ]);
    await new WebsocketCommunicator(app, "/ws/b/").wait();
    expect(seen.map(([name]) => name)).toEqual(["b"]);
    await expect(new WebsocketCommunicator(app, "/ws/c/").wait()).rejects.toThrow(
      new ValueError("No route found for path 'ws/c/'."),
    );
  });

  it("reports a path with no routes the way Channels does, quotes included", async () => {
    const app = URLRouter([]);
    await expect(new WebsocketCommunicator(app, "/it's/").wait()).rejects.toThrow(`No route found for path "it's/".`);
    await expect(new ApplicationCommunicator(app, { type: "channel", channel: "x" }).wait()).rejects.toThrow(
      "No 'path' key in connection scope, cannot route URLs",
    );
  });

  it("leaves url_route out of the scope of an app mounted without a router", async () => {
    const seen: Array<[string, Scope]> = [];
    await new WebsocketCommunicator(ProtocolTypeRouter({ websocket: recorder("w", seen) }), "/x/").wait();
    expect("url_route" in seen[0]![1]).toBe(false);
  });

  it("rejects malformed routes at definition time, with Django's texts", () => {
    expect(() => path("ws/<int:my id>/", async () => {})).toThrow(ImproperlyConfigured);
    expect(() => path("ws/<bogus:x>/", async () => {})).toThrow("URL route 'ws/<bogus:x>/' uses invalid converter 'bogus'.");
    expect(() => path("ws/<str:1x>/", async () => {})).toThrow("uses parameter name '1x' which isn't a valid Python identifier.");
    expect(() => re_path("ws/(unclosed/", async () => {})).toThrow(/is not a valid regular expression/);
  });
});

describe("ChannelNameRouter", () => {
  it("dispatches channel scopes on scope.channel", async () => {
    const seen: Array<[string, Scope]> = [];
    const app = ChannelNameRouter({ "thumbnails-generate": recorder("thumbs", seen) });
    await new ApplicationCommunicator(app, { type: "channel", channel: "thumbnails-generate" }).wait();
    expect(seen.map(([name]) => name)).toEqual(["thumbs"]);
    await expect(new ApplicationCommunicator(app, { type: "channel", channel: "nope" }).wait()).rejects.toThrow(
      "No application configured for channel name 'nope'",
    );
    await expect(new WebsocketCommunicator(app, "/").wait()).rejects.toThrow(/got a scope without a 'channel' key/);
  });
});
