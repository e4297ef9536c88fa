// Our protocol server with the example app, as `npm start` runs it (without logging).
import { application } from "../../server/examples/asgi.ts";
import { ProtocolServer } from "../../server/protocol/server.ts";

const quiet = { debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) };
const server = new ProtocolServer(application, { logger: quiet });
const { port } = await server.listen(0, "127.0.0.1");
console.log(`READY ${port}`);

// `npm run bench` asks for a collection before it reads this process's memory.
process.on("SIGUSR2", () => (globalThis as { gc?: () => void }).gc?.());
// A normal exit, so that `node --cpu-prof` (used to profile under load) writes its profile.
process.on("SIGTERM", () => process.exit(0));
