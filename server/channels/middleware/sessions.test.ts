import { afterEach, describe, expect, it } from "vitest";
import {
  AnonymousUser, ApplicationCommunicator, AsyncHttpConsumer, AsyncWebsocketConsumer, AuthMiddleware, AuthMiddlewareStack, BaseMiddleware,
  CookieMiddleware, HttpCommunicator, InMemorySessionStore, login, logout, parse_cookie, reset_settings, Session,
  SessionMiddleware, SessionMiddlewareStack, WebsocketCommunicator, type Bytes, type Receive, type Scope, type Send,
  type User,
} from "../index.ts";
import { set_cookie } from "./cookies.ts";

const text = (b: Bytes) => new TextDecoder().decode(b);
const set_cookies = (headers: Array<[Bytes, Bytes]>) =>
  headers.filter(([k]) => text(k) === "Set-Cookie").map(([, v]) => text(v));

class Counter extends AsyncHttpConsumer {
  override async handle() {
    const session = this.scope.session as Session;
    const visits = (session.get<number>("visits") ?? 0) + 1;
    session.set("visits", visits);
    await this.send_response(200, String(visits));
  }
}

describe("cookies", () => {
  it("parse_cookie follows Django, quoted values included", () => {
    expect(parse_cookie('a=1; b="x\\"y"; c; =d')).toEqual({ a: "1", b: 'x"y', "": "d" });
  });

  it("set_cookie formats as Python's SimpleCookie", () => {
    const message = { type: "http.response.start" as const, status: 200, headers: [] };
    set_cookie(message, "sessionid", "abc", { max_age: 10, httponly: true, samesite: "Lax" });
    const [cookie] = set_cookies(message.headers);
    expect(cookie).toMatch(/^sessionid=abc; expires=\w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT; HttpOnly; Max-Age=10; Path=\/; SameSite=Lax$/);
  });

  it("CookieMiddleware adds scope.cookies and needs headers", async () => {
    let cookies: unknown;
    const app = CookieMiddleware(async (scope) => { cookies = scope.cookies; });
    await new WebsocketCommunicator(app, "/", [["cookie", "a=1; b=2"]]).wait();
    expect(cookies).toEqual({ a: "1", b: "2" });
    await expect(new ApplicationCommunicator(app, { type: "channel", channel: "x" }).wait())
      .rejects.toThrow(/CookieMiddleware was passed a scope that did not have a headers key/);
  });
});

describe("SessionMiddleware", () => {
  afterEach(() => reset_settings());

  it("saves a modified session on the HTTP response and sets the cookie; the next request sees it", async () => {
    const app = SessionMiddlewareStack(Counter.as_asgi(), new InMemorySessionStore());
    const first = await new HttpCommunicator(app, "GET", "/").get_response();
    expect(text(first.body)).toBe("1");
    const [cookie] = set_cookies(first.headers);
    const key = /^sessionid=([a-z0-9]{32});/.exec(cookie!)![1]!;
    const second = await new HttpCommunicator(app, "GET", "/", "", [["cookie", `sessionid=${key}`]]).get_response();
    expect(text(second.body)).toBe("2");
  });

  it("needs CookieMiddleware above it", async () => {
    await expect(new HttpCommunicator(SessionMiddleware(Counter.as_asgi()), "GET", "/").get_response()).rejects.toThrow(
      "No cookies in scope - SessionMiddleware needs to run inside of CookieMiddleware.",
    );
  });

  it("over a websocket, saves only when the consumer calls save()", async () => {
    const store = new InMemorySessionStore();
    class Remember extends AsyncWebsocketConsumer {
      override async receive(text_data?: string) {
        const session = this.scope.session as Session;
        session.set("last", text_data);
        await session.save();
        await this.send(session.session_key!);
      }
    }
    const c = new WebsocketCommunicator(SessionMiddlewareStack(Remember.as_asgi(), store), "/");
    await c.connect();
    await c.send_to("hi");
    const key = (await c.receive_from()) as string;
    expect(await store.load(key)).toEqual({ last: "hi" });
  });
});

describe("AuthMiddlewareStack", () => {
  const users: Record<string, User & { name: string }> = {
    "7": { pk: 7, name: "ada", is_authenticated: true, is_anonymous: false },
  };
  const resolve_user = (id: string) => users[id] ?? null;

  class WhoAmI extends AsyncWebsocketConsumer {
    override async receive(text_data?: string) {
      if (text_data === "login") {
        await login(this.scope, users["7"]!);
        await (this.scope.session as Session).save();
      } else if (text_data === "logout") {
        await logout(this.scope);
      }
      const user = this.scope.user as User & { name?: string };
      await this.send(`${user.is_authenticated ? user.name : "anonymous"} ${(this.scope.session as Session).session_key ?? ""}`);
    }
  }

  it("sets scope.user from the session through the resolver; login and logout change it", async () => {
    const store = new InMemorySessionStore();
    const app = AuthMiddlewareStack(WhoAmI.as_asgi(), { resolve_user, session_store: store });
    const first = new WebsocketCommunicator(app, "/");
    await first.connect();
    await first.send_to("who");
    expect(await first.receive_from()).toBe("anonymous ");
    await first.send_to("login");
    const key = ((await first.receive_from()) as string).split(" ")[1]!;
    const second = new WebsocketCommunicator(app, "/", [["cookie", `sessionid=${key}`]]);
    await second.connect();
    await second.send_to("who");
    expect(await second.receive_from()).toBe(`ada ${key}`);
    await second.send_to("logout");
    expect(await second.receive_from()).toBe("anonymous ");
  });

  it("needs a session, and gives AnonymousUser without one", async () => {
    await expect(new WebsocketCommunicator(new AuthMiddleware(WhoAmI.as_asgi()), "/").wait()).rejects.toThrow(
      "AuthMiddleware cannot find session in scope. SessionMiddleware must be above it.",
    );
    expect(String(new AnonymousUser())).toBe("AnonymousUser");
  });

  it("lets a custom BaseMiddleware add scope keys (token auth the usual way)", async () => {
    class QueryToken extends BaseMiddleware {
      override async __call__(scope: Scope, receive: Receive, send: Send) {
        const token = new TextDecoder().decode(scope.query_string as Bytes).replace("token=", "");
        return super.__call__({ ...scope, user: users[token] ?? new AnonymousUser() }, receive, send);
      }
    }
    // WhoAmI reads the session too, so the stack gives it one.
    const app = SessionMiddlewareStack(new QueryToken(WhoAmI.as_asgi()));
    const d = new WebsocketCommunicator(app, "/?token=7");
    await d.connect();
    await d.send_to("who");
    expect(await d.receive_from()).toBe("ada ");
  });
});
