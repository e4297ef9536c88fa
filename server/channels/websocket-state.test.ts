import { describe, expect, it } from "vitest";
import { WebSocketProtocolError, WebSocketState, type ASGISendEvent } from "./index.ts";

function error_of(state: WebSocketState, message: unknown): Pick<WebSocketProtocolError, "message" | "code" | "close_code"> {
  try {
    state.apply(message as ASGISendEvent);
  } catch (error) {
    expect(error).toBeInstanceOf(WebSocketProtocolError);
    const { message: text, code, close_code } = error as WebSocketProtocolError;
    return { message: text, code, close_code };
  }
  throw new Error("expected a WebSocketProtocolError");
}

const open = (offered: string[] = []) => {
  const state = new WebSocketState(offered);
  state.apply({ type: "websocket.accept" });
  return state;
};

describe("WebSocketState", () => {
  it("accepts with an offered subprotocol, then sends, then closes with 1000 by default", () => {
    const state = new WebSocketState(["chat.v1", "chat.v2"]);
    expect(state.apply({ type: "websocket.accept", subprotocol: "chat.v2" })).toEqual({ kind: "accept", subprotocol: "chat.v2", headers: [] });
    expect(state.apply({ type: "websocket.send", text: "hi" })).toEqual({ kind: "send", data: "hi" });
    expect(state.apply({ type: "websocket.send", bytes: Uint8Array.of(1) })).toEqual({ kind: "send", data: Uint8Array.of(1) });
    expect(state.apply({ type: "websocket.close" })).toEqual({ kind: "close", code: 1000, reason: "" });
    expect(state.apply({ type: "websocket.close", code: 4000 })).toEqual({ kind: "ignore" });
  });

  it("turns a close before accept into a rejection (HTTP 403), whatever its code", () => {
    expect(new WebSocketState().apply({ type: "websocket.close", code: 4003 })).toEqual({ kind: "reject" });
  });

  it("drops empty payloads, as Daphne does", () => {
    const state = open();
    expect(state.apply({ type: "websocket.send", text: "" })).toEqual({ kind: "drop_empty" });
    expect(state.apply({ type: "websocket.send", bytes: new Uint8Array() })).toEqual({ kind: "drop_empty" });
  });

  it("answers errors before accept with HTTP 500 (close_code null) and after it with 1011", () => {
    expect(error_of(new WebSocketState(), { type: "websocket.send", text: "x" })).toEqual({
      message: "Socket has not been accepted, so cannot send over it", code: "WS_SEND_BEFORE_ACCEPT", close_code: null,
    });
    expect(error_of(new WebSocketState(["a"]), { type: "websocket.accept", subprotocol: "b" })).toMatchObject({
      code: "WS_UNOFFERED_SUBPROTOCOL", close_code: null,
    });
    expect(error_of(new WebSocketState(), { text: "no type" })).toMatchObject({ message: "Message has no type defined", close_code: null });
    expect(error_of(open(), { type: "websocket.accept" })).toMatchObject({ code: "WS_DOUBLE_ACCEPT", close_code: 1011 });
    expect(error_of(open(), { type: "websocket.send", text: "t", bytes: Uint8Array.of(1) })).toMatchObject({
      message: "Got invalid WebSocket reply message - contains both bytes and text keys", close_code: 1011,
    });
    expect(error_of(open(), { type: "http.response.start", status: 200 })).toMatchObject({ code: "ASGI_UNEXPECTED_TYPE" });
    expect(error_of(open(), { type: "websocket.send", text: 5 })).toMatchObject({ code: "WS_INVALID_PAYLOAD" });
  });

  it("allows close codes 1000 and 3000-4999 only", () => {
    for (const code of [1000, 3000, 4999]) expect(open().apply({ type: "websocket.close", code }).kind).toBe("close");
    for (const code of [1001, 1011, 2999, 5000]) {
      expect(error_of(open(), { type: "websocket.close", code })).toEqual({
        message: `invalid close code ${code} (use 1000 or 3000-4999)`, code: "WS_INVALID_CLOSE_CODE", close_code: 1011,
      });
    }
  });

  it("lets a server-side close use any code a server may send, after accept only", () => {
    expect(open().apply({ type: "websocket.server_close", code: 1012 })).toEqual({ kind: "close", code: 1012, reason: "" });
    expect(error_of(open(), { type: "websocket.server_close", code: 1006 })).toMatchObject({ code: "WS_INVALID_CLOSE_CODE" });
    expect(error_of(new WebSocketState(), { type: "websocket.server_close", code: 1012 })).toMatchObject({ close_code: null });
  });

  it("raises on a send after the app closed, but drops sends after the client left", () => {
    const closed = open();
    closed.apply({ type: "websocket.close" });
    expect(error_of(closed, { type: "websocket.send", text: "x" }).message).toBe("Attempt to send on a closed protocol");
    const left = open();
    left.disconnected();
    expect(left.apply({ type: "websocket.send", text: "x" })).toEqual({ kind: "ignore" });
  });
});
