// The tutorial's own code (../shared/seed/django-channels-tutorial.md), translated line by line.
import { afterEach, describe, expect, it, vi } from "vitest";
import { import_source } from "../test-support/bundle.ts";
import { AsyncHttpConsumer, HttpCommunicator, ProtocolTypeRouter, WebsocketCommunicator, type ASGIApp } from "./index.ts";

// Verbatim, untyped parameters included: it must compile and run as a learner writes it.
const SEED_CONSUMER = `
import { SyncConsumer } from "./server/channels/index.ts";
export class MySyncConsumer extends SyncConsumer {
  websocket_connect(event) { console.log("WebSocket Connect..."); }
  websocket_receive(event) { console.log("Websocket Received.."); }
  websocket_disconnect(event) { console.log("Websocket Disconnect.."); }
}
`;

const load_seed = () => import_source<{ MySyncConsumer: { as_asgi(): ASGIApp } }>(SEED_CONSUMER);

describe("the seed's SyncConsumer", () => {
  afterEach(() => vi.restoreAllMocks());

  it("logs in each handler and never accepts: the handshake stays pending", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const { MySyncConsumer } = await load_seed();
    const c = new WebsocketCommunicator(MySyncConsumer.as_asgi(), "/ws/seed/");
    await c.send_input({ type: "websocket.connect" });
    expect(await c.receive_nothing(0.1)).toBe(true); // no accept, no close
    await c.send_input({ type: "websocket.receive", text: "hello" });
    await c.send_input({ type: "websocket.disconnect", code: 1006 });
    await c.receive_nothing(0.05);
    expect(log.mock.calls.map((call) => call[0])).toEqual(["WebSocket Connect...", "Websocket Received..", "Websocket Disconnect.."]);
    // A raw consumer never raises StopConsumer itself, so it outlives the disconnect (Daphne kills it after 10 s).
    expect(c.done).toBe(false);
    c.stop(false);
  });
});

describe("the seed's ProtocolTypeRouter", () => {
  it("routes http and websocket scopes to their apps", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const { MySyncConsumer } = await load_seed();
    class Page extends AsyncHttpConsumer {
      override async handle() { await this.send_response(200, "Hello from http"); }
    }
    const application = ProtocolTypeRouter({
      http: Page.as_asgi(),
      websocket: MySyncConsumer.as_asgi(),
    });
    const response = await new HttpCommunicator(application, "GET", "/").get_response();
    expect([response.status, new TextDecoder().decode(response.body)]).toEqual([200, "Hello from http"]);
    const c = new WebsocketCommunicator(application, "/ws/seed/");
    await c.send_input({ type: "websocket.connect" });
    expect(await c.receive_nothing(0.05)).toBe(true);
    expect(console.log).toHaveBeenCalledWith("WebSocket Connect...");
    c.stop(false);
  });
});
