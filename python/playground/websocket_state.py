"""What the protocol server does with an app's websocket messages, and the checks Daphne makes on them
(daphne/ws_protocol.py: handle_reply), raised in the learner's handler as on the real server. The same rules
as the TypeScript core's websocket-state.ts."""

from channels.exceptions import coded


def valid_close_code(code):
    return code == 1000 or (isinstance(code, int) and 3000 <= code <= 4999)


def valid_server_close_code(code):
    return isinstance(code, int) and ((1000 <= code <= 1014 and code not in (1004, 1005, 1006)) or 3000 <= code <= 4999)


class WebSocketState:
    def __init__(self, offered_subprotocols=()):
        self.offered = list(offered_subprotocols)
        self.phase = "connecting"
        # Set when the client ended the connection: later sends are dropped, as Daphne does.
        self.gone = False

    def apply(self, message):
        """Checks one message from the app; returns the wire message to send, or None to send nothing."""
        if not isinstance(message, dict) or "type" not in message:
            raise ValueError("Message has no type defined")
        if self.gone:
            return None
        kind = message["type"]
        if kind == "websocket.accept":
            return self._accept(message.get("subprotocol"), message.get("headers") or [])
        if kind == "websocket.close":
            return self._close(message.get("code"), message.get("reason"))
        if kind == "websocket.server_close":
            return self._server_close(message.get("code"), message.get("reason"))
        if kind == "websocket.send":
            return self._send(message.get("text"), message.get("bytes"))
        raise ValueError("Unexpected ASGI message type %s on a websocket" % kind)

    def _accept(self, subprotocol, headers):
        if self.phase != "connecting":
            raise ValueError("Socket has already been accepted, so cannot accept it again")
        if subprotocol is not None and subprotocol not in self.offered:
            raise ValueError("Subprotocol '%s' was not offered by the client (offered: %r)" % (subprotocol, self.offered))
        self.phase = "open"
        return {"type": "websocket.accept", "subprotocol": subprotocol, "headers": [[_latin1(k), _latin1(v)] for k, v in headers]}

    def _close(self, code, reason):
        if self.phase == "connecting":
            self.phase = "closed"
            return {"type": "websocket.close"}
        if self.phase == "closed":
            return None  # closing twice is harmless, as in Daphne
        code = 1000 if code is None else code
        if not valid_close_code(code):
            raise ValueError("invalid close code %s (use 1000 or 3000-4999)" % code)
        self.phase = "closed"
        return {"type": "websocket.close", "code": code, "reason": reason or ""}

    def _server_close(self, code, reason):
        if self.phase == "connecting":
            raise ValueError("websocket.server_close needs an accepted socket")
        if self.phase == "closed":
            return None
        if not valid_server_close_code(code):
            raise ValueError("invalid server close code %s" % code)
        self.phase = "closed"
        return {"type": "websocket.close", "code": code, "reason": reason or ""}

    def _send(self, text, data):
        if self.phase == "connecting":
            raise coded(ValueError("Socket has not been accepted, so cannot send over it"), "WS_SEND_BEFORE_ACCEPT")
        if self.phase == "closed":
            raise ValueError("Attempt to send on a closed protocol")
        if text is not None and not isinstance(text, str):
            raise ValueError("websocket.send 'text' must be a str")
        if data is not None and not isinstance(data, (bytes, bytearray, memoryview)):
            raise ValueError("websocket.send 'bytes' must be bytes")
        # Daphne tests truthiness: an empty string or empty bytes counts as absent and is not sent.
        if text and data:
            raise ValueError("Got invalid WebSocket reply message - contains both bytes and text keys")
        if data:
            return {"type": "websocket.send", "bytes": bytes(data)}
        return {"type": "websocket.send", "text": text or ""}

    def disconnected(self):
        self.gone = True
        self.phase = "closed"


def _latin1(value):
    return value.decode("latin1") if isinstance(value, (bytes, bytearray)) else str(value)
