// What a protocol server does with an application's websocket messages, and the checks Daphne makes on
// them (daphne/ws_protocol.py: handle_reply). Runtime-neutral: the Node server and the playground's
// sandbox host apply the same rules.
import { ValueError } from "./exceptions.ts";
import type { ASGISendEvent, Bytes, Headers } from "./types.ts";

/**
 * An application broke the websocket protocol. `code` is stable for machines; `close_code` is what the client
 * sees: null before the handshake completes (the server answers HTTP 500), 1011 after.
 */
export class WebSocketProtocolError extends ValueError {
  declare readonly code: string;

  constructor(message: string, code: string, readonly close_code: 1011 | null) {
    super(message, code);
  }
}

export type WebSocketAction =
  | { kind: "accept"; subprotocol: string | null; headers: Headers }
  | { kind: "reject" }
  | { kind: "send"; data: string | Bytes }
  | { kind: "drop_empty" }
  | { kind: "close"; code: number; reason: string }
  | { kind: "ignore" };

export type WebSocketPhase = "connecting" | "open" | "closed";

export function valid_close_code(code: number): boolean {
  return code === 1000 || (Number.isInteger(code) && code >= 3000 && code <= 4999);
}

/** Codes a server may put in a close frame (RFC 6455 7.4.1): 1004-1006 and 1015 are never sent. */
export function valid_server_close_code(code: number): boolean {
  return Number.isInteger(code) && ((code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999));
}

export class WebSocketState {
  phase: WebSocketPhase = "connecting";
  /** Set when the client (or the network) ended the connection: later sends are dropped, as Daphne does. */
  gone = false;

  constructor(readonly offered_subprotocols: readonly string[] = []) {}

  private error(message: string, code: string): WebSocketProtocolError {
    return new WebSocketProtocolError(message, code, this.phase === "connecting" ? null : 1011);
  }

  /** Checks one message from the application and says what to do on the wire; throws what Daphne raises. */
  apply(message: ASGISendEvent): WebSocketAction {
    if (message === null || typeof message !== "object" || !("type" in message)) {
      throw this.error("Message has no type defined", "ASGI_NO_TYPE");
    }
    if (this.gone) return { kind: "ignore" };
    switch (message.type) {
      case "websocket.accept": return this.accept(message.subprotocol ?? null, message.headers ?? []);
      case "websocket.close": return this.close(message.code, message.reason);
      case "websocket.server_close": return this.server_close(message.code, message.reason);
      case "websocket.send": return this.send(message.text, message.bytes);
      default:
        throw this.error(`Unexpected ASGI message type ${String((message as { type: unknown }).type)} on a websocket`, "ASGI_UNEXPECTED_TYPE");
    }
  }

  private accept(subprotocol: string | null, headers: Headers): WebSocketAction {
    if (this.phase !== "connecting") throw this.error("Socket has already been accepted, so cannot accept it again", "WS_DOUBLE_ACCEPT");
    if (subprotocol !== null && !this.offered_subprotocols.includes(subprotocol)) {
      throw this.error(
        `Subprotocol '${subprotocol}' was not offered by the client (offered: ${JSON.stringify(this.offered_subprotocols)})`,
        "WS_UNOFFERED_SUBPROTOCOL",
      );
    }
    this.phase = "open";
    return { kind: "accept", subprotocol, headers };
  }

  private close(code: number | undefined, reason: string | undefined): WebSocketAction {
    if (this.phase === "connecting") {
      this.phase = "closed";
      return { kind: "reject" };
    }
    if (this.phase === "closed") return { kind: "ignore" }; // closing twice is harmless, as in Daphne
    const close_code = code ?? 1000;
    if (!valid_close_code(close_code)) {
      throw this.error(`invalid close code ${close_code} (use 1000 or 3000-4999)`, "WS_INVALID_CLOSE_CODE");
    }
    this.phase = "closed";
    return { kind: "close", code: close_code, reason: reason ?? "" };
  }

  private server_close(code: number, reason: string | undefined): WebSocketAction {
    if (this.phase === "connecting") throw this.error("websocket.server_close needs an accepted socket", "WS_SERVER_CLOSE_BEFORE_ACCEPT");
    if (this.phase === "closed") return { kind: "ignore" };
    if (!valid_server_close_code(code)) throw this.error(`invalid server close code ${code}`, "WS_INVALID_CLOSE_CODE");
    this.phase = "closed";
    return { kind: "close", code, reason: reason ?? "" };
  }

  private send(text: string | null | undefined, bytes: Bytes | null | undefined): WebSocketAction {
    if (this.phase === "connecting") throw this.error("Socket has not been accepted, so cannot send over it", "WS_SEND_BEFORE_ACCEPT");
    if (this.phase === "closed") throw this.error("Attempt to send on a closed protocol", "WS_SEND_AFTER_CLOSE");
    const has_text = text !== null && text !== undefined;
    const has_bytes = bytes !== null && bytes !== undefined;
    if (has_text && typeof text !== "string") throw this.error("websocket.send 'text' must be a string", "WS_INVALID_PAYLOAD");
    if (has_bytes && !(bytes instanceof Uint8Array)) throw this.error("websocket.send 'bytes' must be a Uint8Array", "WS_INVALID_PAYLOAD");
    // Daphne tests truthiness: an empty string or empty bytes counts as absent and is not sent.
    const text_value = has_text && text.length > 0 ? text : null;
    const bytes_value = has_bytes && bytes.length > 0 ? bytes : null;
    if (text_value !== null && bytes_value !== null) {
      throw this.error("Got invalid WebSocket reply message - contains both bytes and text keys", "WS_TEXT_AND_BYTES");
    }
    const data = text_value ?? bytes_value;
    return data === null ? { kind: "drop_empty" } : { kind: "send", data };
  }

  /** The connection ended from the client's side (close frame, TCP loss or handshake failure). */
  disconnected(): void {
    this.gone = true;
    this.phase = "closed";
  }
}
