// Upgrade requests are checked before any application sees them; a malformed one gets 400.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { HandshakeError } from "./errors.ts";

const KEY = /^[+/0-9A-Za-z]{22}==$/;

export function check_upgrade(req: IncomingMessage): void {
  if (req.method !== "GET") throw new HandshakeError("Invalid HTTP method for a websocket handshake", 400, "WS_ERR_INVALID_METHOD");
  // RFC 6455 4.1 requires both; autobahn (Daphne's websocket side) refuses a handshake without Host.
  if (req.httpVersionMajor !== 1 || req.httpVersionMinor !== 1) {
    throw new HandshakeError("A websocket handshake needs HTTP/1.1", 400, "WS_ERR_INVALID_HTTP_VERSION");
  }
  if (req.headers.host === undefined) throw new HandshakeError("Missing Host header", 400, "WS_ERR_MISSING_HOST");
  if (req.headers.upgrade?.toLowerCase() !== "websocket") {
    throw new HandshakeError("Invalid Upgrade header: expected 'websocket'", 400, "WS_ERR_INVALID_UPGRADE");
  }
  if (!KEY.test(req.headers["sec-websocket-key"] ?? "")) {
    throw new HandshakeError("Missing or invalid Sec-WebSocket-Key header", 400, "WS_ERR_INVALID_KEY");
  }
  if (req.headers["sec-websocket-version"] !== "13") {
    throw new HandshakeError("Missing or invalid Sec-WebSocket-Version header", 400, "WS_ERR_INVALID_VERSION");
  }
}

/** A plain request that carries websocket handshake headers but cannot upgrade (no Upgrade/Connection). */
export function half_handshake(req: IncomingMessage): HandshakeError | null {
  if (req.headers["sec-websocket-key"] === undefined && req.headers.upgrade?.toLowerCase() !== "websocket") return null;
  return new HandshakeError(
    "Invalid websocket handshake: it needs both 'Upgrade: websocket' and 'Connection: Upgrade'", 400, "WS_ERR_NOT_UPGRADE",
  );
}

export function refuse_handshake(socket: Duplex, error: HandshakeError): void {
  const body = `${error.message}\n`;
  const extra = error.code === "WS_ERR_INVALID_VERSION" ? "Sec-WebSocket-Version: 13\r\n" : "";
  socket.on("error", () => {});
  socket.once("finish", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${error.status} Bad Request\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
