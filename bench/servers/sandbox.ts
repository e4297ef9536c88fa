// The playground with one session serving the async echo example as learner code, in its sandbox.
// Prints "READY <port> <session> <token>"; the session has no viewer, so it runs untraced, as such sessions do.
import { readFileSync } from "node:fs";
import { URLRouter } from "../../server/channels/index.ts";
import { project_root } from "../../server/paths.ts";
import { create_playground } from "../../server/playground/app.ts";
import { DEFAULT_PLAYGROUND_OPTIONS } from "../../server/playground/sessions.ts";
import { ProtocolServer } from "../../server/protocol/server.ts";

const quiet = { debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) };
const playground = create_playground({ ...DEFAULT_PLAYGROUND_OPTIONS, max_connections: 200 });
const server = new ProtocolServer(URLRouter(playground.routes), { logger: quiet });
playground.install(server.web);
const { port } = await server.listen(0, "127.0.0.1");
playground.origins.push(`http://127.0.0.1:${port}`);
const session = await playground.manager.create(readFileSync(`${project_root()}/server/examples/async-echo.ts`, "utf8"));
console.log(`READY ${port} ${session.id} ${session.token}`);
process.on("SIGUSR2", () => (globalThis as { gc?: () => void }).gc?.());
process.on("SIGTERM", () => {
  playground.close();
  setTimeout(() => process.exit(0), 700); // the session's process exits on its own (and writes its profile when asked)
});
