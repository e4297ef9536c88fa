// The bystander's echo loop, in its own thread: attacks that build large payloads or write 64 MiB block the
// main thread's event loop, and that must not count as the server's latency. One message in flight, one
// every 10 ms; a reply that takes longer than REPLY_TIMEOUT_MS counts as lost and the client reconnects. An
// outage (a lost reply, a closed or refused connection) counts as one round trip lasting until the next echo.
import { parentPort } from "node:worker_threads";
import { WebSocket } from "ws";

const INTERVAL_MS = 10;
const REPLY_TIMEOUT_MS = 5000;
let url = null;
let running = true;
let batch = [];
/** When the current outage began (epoch ms), or null while echoes come back. */
let outage = null;

parentPort.on("message", (m) => {
  if (m.type === "url") url = m.url;
  if (m.type === "stop") running = false;
});
const flush = setInterval(() => {
  if (batch.length > 0) parentPort.postMessage({ type: "samples", samples: batch.splice(0) });
}, 100);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function connect(target) {
  return new Promise((resolve) => {
    const ws = new WebSocket(target, { handshakeTimeout: 3000 });
    const timer = setTimeout(() => { ws.terminate(); resolve(null); }, 4000);
    ws.once("open", () => { clearTimeout(timer); resolve(ws); });
    ws.once("error", () => { clearTimeout(timer); resolve(null); });
    ws.once("unexpected-response", () => { clearTimeout(timer); ws.terminate(); resolve(null); });
  });
}

async function loop() {
  let n = 0;
  while (running) {
    if (url === null) { await sleep(50); continue; }
    const target = url;
    const ws = await connect(target);
    if (ws === null) {
      outage ??= Date.now();
      batch.push({ kind: "connect_failed", t: Date.now() });
      await sleep(200);
      continue;
    }
    let pending = null;
    let closed = false;
    ws.on("message", (data) => { if (pending) pending(String(data)); });
    ws.on("close", (code) => { closed = true; batch.push({ kind: "closed", t: Date.now(), code }); if (pending) pending(null); });
    ws.on("error", () => {});
    while (running && !closed && url === target) {
      const text = `p${++n}`;
      const sent = Date.now();
      const t0 = performance.now();
      const reply = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), REPLY_TIMEOUT_MS);
        pending = (m) => { clearTimeout(timer); resolve(m); };
        ws.send(text);
      });
      pending = null;
      const ms = performance.now() - t0;
      if (reply === null) {
        outage ??= sent;
        batch.push({ kind: "lost", t: sent, ms });
        break;
      }
      if (outage !== null) {
        batch.push({ kind: "rtt", t: outage, ms: Date.now() - outage, ok: reply.endsWith(text), outage: true });
        outage = null;
      } else batch.push({ kind: "rtt", t: sent, ms, ok: reply.endsWith(text) });
      if (ms < INTERVAL_MS) await sleep(INTERVAL_MS - ms);
    }
    ws.terminate();
  }
  clearInterval(flush);
  if (outage !== null) batch.push({ kind: "rtt", t: outage, ms: Date.now() - outage, ok: false, outage: true });
  parentPort.postMessage({ type: "samples", samples: batch.splice(0) });
  parentPort.postMessage({ type: "stopped" });
}

void loop();
