// The practical ceiling: a bare `ws` server doing the same work as the example app's consumers.
// Echo on any path; /ws/chat/<room>/ broadcasts each text frame to everyone in the room, the sender too.
import { WebSocketServer, type WebSocket } from "ws";

const rooms = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ port: 0, host: "127.0.0.1", perMessageDeflate: false, maxPayload: 1024 * 1024 });
wss.on("connection", (ws, req) => {
  const room = /^\/ws\/chat\/(\w+)\/$/.exec(req.url ?? "")?.[1];
  if (room === undefined) {
    ws.on("message", (data, binary) => ws.send(data, { binary }));
    return;
  }
  let members = rooms.get(room);
  if (members === undefined) rooms.set(room, (members = new Set()));
  members.add(ws);
  ws.on("message", (data, binary) => {
    if (binary) return;
    const text = data.toString();
    for (const member of members) member.send(text);
  });
  ws.on("close", () => members.delete(ws));
});
wss.on("listening", () => {
  const address = wss.address();
  console.log(`READY ${typeof address === "object" && address !== null ? address.port : address}`);
});

// `npm run bench` asks for a collection before it reads this process's memory.
process.on("SIGUSR2", () => (globalThis as { gc?: () => void }).gc?.());
// A normal exit, so that `node --cpu-prof` (used to profile under load) writes its profile.
process.on("SIGTERM", () => process.exit(0));
