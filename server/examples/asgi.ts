// The example app's asgi.py: HTTP through an Express app, websockets through the routes.
import express from "express";
import { ProtocolTypeRouter, URLRouter } from "channels";
import { get_asgi_application } from "../protocol/express-adapter.ts";
import { websocket_urlpatterns } from "./routing.ts";
import "./settings.ts";

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The Django side of the project: a page naming the websocket routes. */
export const views = express();
views.disable("x-powered-by");
views.get("/", (_req, res) => {
  const items = websocket_urlpatterns.map((route) => `<li><code>${escape(String(route.pattern))}</code></li>`).join("");
  res.type("html").send(`<!doctype html><title>channels-playground examples</title><h1>WebSocket routes</h1><ul>${items}</ul>`);
});

export const application = ProtocolTypeRouter({
  http: get_asgi_application(views),
  websocket: URLRouter(websocket_urlpatterns),
});
