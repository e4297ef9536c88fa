// `npm start`: the playground and the example app on one protocol server. Settings come from the environment.
import { get_channel_layer, ProtocolTypeRouter, URLRouter } from "channels";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { project_root } from "./paths.ts";
import { views } from "./examples/asgi.ts";
import { websocket_urlpatterns } from "./examples/routing.ts";
import { REDIS_URL } from "./examples/settings.ts";
import type { RedisChannelLayer } from "./channels-redis/index.ts";
import { create_playground } from "./playground/app.ts";
import { close_compiler } from "./playground/compile.ts";
import { DEFAULT_PLAYGROUND_OPTIONS, type PlaygroundOptions } from "./playground/sessions.ts";
import { get_asgi_application } from "./protocol/express-adapter.ts";
import { console_logger } from "./protocol/context.ts";
import { ProtocolServer } from "./protocol/server.ts";
import { serve_ui } from "./static-ui.ts";

const env = process.env;
const number = (name: string, fallback: number) => (env[name] === undefined ? fallback : Number(env[name]));
const logger = console_logger(env.LOG_LEVEL === "debug" ? "debug" : "info");
const options: PlaygroundOptions = {
  ...DEFAULT_PLAYGROUND_OPTIONS,
  log: logger.warn,
  handler_timeout_ms: number("HANDLER_TIMEOUT_MS", DEFAULT_PLAYGROUND_OPTIONS.handler_timeout_ms),
  memory_mb: number("SESSION_MEMORY_MB", DEFAULT_PLAYGROUND_OPTIONS.memory_mb),
  max_sessions: number("MAX_SESSIONS", DEFAULT_PLAYGROUND_OPTIONS.max_sessions),
  max_connections: number("MAX_CONNECTIONS_PER_SESSION", DEFAULT_PLAYGROUND_OPTIONS.max_connections),
  idle_timeout_s: number("SESSION_IDLE_TIMEOUT_S", DEFAULT_PLAYGROUND_OPTIONS.idle_timeout_s),
  api_token: env.PLAYGROUND_API_TOKEN || undefined,
};
const playground = create_playground(options);
const application = ProtocolTypeRouter({
  http: get_asgi_application(views),
  websocket: URLRouter([...playground.routes, ...websocket_urlpatterns]),
});

// With REDIS_URL the example app's groups live in Redis: refuse to start without it rather than fail later.
if (REDIS_URL) {
  try {
    await (get_channel_layer() as RedisChannelLayer).check(number("REDIS_CONNECT_TIMEOUT_S", 3));
  } catch (error) {
    console.error(`channels-playground cannot start: ${error instanceof Error ? error.message : String(error)}. Start Redis there, or unset REDIS_URL for the in-memory layer.`);
    process.exit(1);
  }
}

const host = env.HOST ?? "127.0.0.1";
const port = number("PORT", 8000);
const server = new ProtocolServer(application, { logger });
playground.install(server.web);
// The built UI (npm start builds it; `npm run dev` serves it from Vite instead), and the example app's page.
const ui = join(project_root(), "dist/web");
if (existsSync(join(ui, "index.html"))) server.web.use(serve_ui(ui));
server.web.use("/examples", views);
const { url, port: bound } = await server.listen(port, host);
playground.origins.push(`http://127.0.0.1:${bound}`, `http://localhost:${bound}`, ...(env.EXTRA_ORIGINS ?? "").split(",").filter(Boolean));
console.log(`channels-playground listening on ${url}${REDIS_URL ? ` (channel layer: Redis at ${get_channel_layer()})` : ""}`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing connections and stopping`);
    playground.close();
    void Promise.all([server.close(), close_compiler()])
      .then(() => get_channel_layer()?.close())
      .then(() => process.exit(0));
  });
}
