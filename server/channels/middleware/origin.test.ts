import { afterEach, describe, expect, it } from "vitest";
import {
  AllowedHostsOriginValidator, AsyncWebsocketConsumer, configure, HttpCommunicator, OriginValidator, reset_settings,
  WebsocketCommunicator,
} from "../index.ts";

class Accepting extends AsyncWebsocketConsumer {}
const connect = (app: ReturnType<typeof OriginValidator>, origin?: string) =>
  new WebsocketCommunicator(app, "/", origin === undefined ? [] : [["origin", origin]]).connect();

describe("OriginValidator", () => {
  afterEach(() => reset_settings());

  it("matches host-only patterns on any scheme and port, and refuses a missing or foreign Origin", async () => {
    const app = OriginValidator(Accepting.as_asgi(), ["localhost", "127.0.0.1", ".example.com"]);
    const outcomes: Record<string, unknown> = {};
    for (const origin of [
      undefined, "http://evil.com", "null", "http://localhost:3000", "http://127.0.0.1", "https://sub.example.com",
      "http://example.com", "http://notexample.com",
    ]) outcomes[String(origin)] = (await connect(app, origin))[0];
    expect(outcomes).toEqual({
      undefined: false, "http://evil.com": false, null: false, "http://localhost:3000": true, "http://127.0.0.1": true,
      "https://sub.example.com": true, "http://example.com": true, "http://notexample.com": false,
    });
  });

  it("matches patterns with a scheme on scheme, host and port (default ports included)", async () => {
    const app = OriginValidator(Accepting.as_asgi(), ["https://example.com", "http://localhost:8000"]);
    expect((await connect(app, "https://example.com:443"))[0]).toBe(true);
    expect((await connect(app, "http://example.com"))[0]).toBe(false);
    expect((await connect(app, "http://localhost:8000"))[0]).toBe(true);
    expect((await connect(app, "http://localhost:8001"))[0]).toBe(false);
  });

  it("denies with a close in connect, which a server answers with 403", async () => {
    const app = OriginValidator(Accepting.as_asgi(), ["localhost"]);
    expect(await connect(app, "http://evil.com")).toEqual([false, 1000]);
  });

  it("allows everything, even no Origin, with '*'", async () => {
    expect((await connect(OriginValidator(Accepting.as_asgi(), ["*"])))[0]).toBe(true);
  });

  it("is for websockets only", async () => {
    const app = OriginValidator(async () => {}, ["*"]);
    await expect(new HttpCommunicator(app, "GET", "/").wait()).rejects.toThrow(
      "You cannot use OriginValidator on a non-WebSocket connection",
    );
  });

  it("AllowedHostsOriginValidator reads ALLOWED_HOSTS, with Django's DEBUG defaults", async () => {
    configure({ ALLOWED_HOSTS: ["example.com"] });
    expect((await connect(AllowedHostsOriginValidator(Accepting.as_asgi()), "http://example.com"))[0]).toBe(true);
    configure({ ALLOWED_HOSTS: [], DEBUG: true });
    expect((await connect(AllowedHostsOriginValidator(Accepting.as_asgi()), "http://[::1]:8000"))[0]).toBe(true);
    configure({ DEBUG: false });
    expect((await connect(AllowedHostsOriginValidator(Accepting.as_asgi()), "http://localhost"))[0]).toBe(false);
    expect((await connect(AllowedHostsOriginValidator(Accepting.as_asgi(), ["localhost"]), "http://localhost"))[0]).toBe(true);
  });
});
