// `npm run bench:memory`: the heap an idle connection costs, layer by layer, each server variant in a
// fresh process run from a bundle (as `npm start` runs). It shows where the idle-RSS ratio comes from.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
// @ts-expect-error a plain JavaScript module, without types
import { build_server } from "../scripts/build-server.mjs";

const bundle: string = await build_server("bench/memory-probe.ts");
const client = fileURLToPath(new URL("./memory-client.mjs", import.meta.url));
const layers = [
  ["raw", "raw ws echo server"],
  ["asgi", "our protocol server + the least ASGI app (scope, app instance, websocket state)"],
  ["consumer", "… + an AsyncWebsocketConsumer (dispatch loop), no router or channel layer"],
  ["app", "… the example app: ProtocolTypeRouter + URLRouter + in-memory channel layer"],
] as const;
let previous = 0;
console.log("| server | heap per idle connection | added by this layer |\n|---|---|---|");
for (const [variant, label] of layers) {
  const out = execFileSync(process.execPath, ["--expose-gc", bundle, variant, "2000", client], { encoding: "utf8", timeout: 120_000 });
  const { bytes_per_connection } = JSON.parse(out.trim().split("\n").pop()!) as { bytes_per_connection: number };
  console.log(`| ${label} | ${bytes_per_connection.toLocaleString("en-US")} B | ${previous ? `+${(bytes_per_connection - previous).toLocaleString("en-US")} B` : ""} |`);
  previous = bytes_per_connection;
}
