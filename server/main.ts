// `npm start`: the protocol server with the example app. HOST and PORT come from the environment.
import { application } from "./examples/asgi.ts";
import { console_logger } from "./protocol/context.ts";
import { ProtocolServer } from "./protocol/server.ts";

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 8000);
const server = new ProtocolServer(application, { logger: console_logger(process.env.LOG_LEVEL === "debug" ? "debug" : "info") });
const { url } = await server.listen(port, host);
console.log(`channels-playground example app listening on ${url}`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing connections and stopping`);
    void server.close().then(() => process.exit(0));
  });
}
