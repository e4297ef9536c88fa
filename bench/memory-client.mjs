// Opens N idle websockets (argv: url, N), tells the parent, and holds them until killed.
import WebSocket from "ws";

const [url, n] = [process.argv[2], Number(process.argv[3])];
const open = () => new Promise((resolve, reject) => {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.once("open", () => resolve(ws));
  ws.once("error", reject);
});
const held = [];
for (let i = 0; i < n; i += 100) held.push(...(await Promise.all(Array.from({ length: Math.min(100, n - i) }, open))));
process.send("open");
