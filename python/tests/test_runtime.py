"""The playground's Python runtime (python/playground/runtime.py), driven as the browser's worker drives it:
load a module, dispatch the server's events as JSON, read the ops it posts."""

import asyncio
import base64
import json

from playground.runtime import Runtime

SITE = "/home/pyodide/site"


def example(name):
    with open("%s/examples/%s.py" % (SITE, name)) as f:
        return f.read()


def scope(path="/", subprotocols=()):
    return {"path": path, "raw_path": path, "query_string": "", "headers": [["host", "127.0.0.1"]],
            "subprotocols": list(subprotocols), "client": ["127.0.0.1", 5000], "server": ["127.0.0.1", 8000]}


class Harness:
    def __init__(self, code):
        self.ops = []
        self.runtime = Runtime(lambda text: self.ops.extend(json.loads(text)))
        self.loaded = json.loads(self.runtime.load(code))

    def open(self, cid, path="/", label=None, subprotocols=()):
        self.dispatch({"k": "open", "cid": cid, "label": label or cid, "scope": scope(path, subprotocols)})

    def event(self, cid, event):
        self.dispatch({"k": "event", "cid": cid, "event": event})

    def dispatch(self, *events):
        self.runtime.dispatch(json.dumps(list(events)))

    async def settle(self):
        for _ in range(30):
            await asyncio.sleep(0)

    def of(self, op, cid=None):
        return [o for o in self.ops if o["op"] == op and (cid is None or o.get("cid") == cid)]

    def traces(self, kind, cid=None):
        return [o["entry"] for o in self.of("trace") if o["entry"]["kind"] == kind and (cid is None or o["entry"].get("conn", {}).get("id") == cid)]

    def close(self):
        self.runtime.close()


async def test_seed_logs_its_handlers_and_prints_and_never_accepts():
    h = Harness(example("seed"))
    try:
        assert h.loaded["ok"] is True and h.loaded["served"] == "MySyncConsumer.as_asgi() at /"
        h.open("c1")
        h.event("c1", {"type": "websocket.connect"})
        await h.settle()
        [handler] = h.traces("handler", "c1")
        assert (handler["consumer"], handler["name"], handler["message"]) == ("MySyncConsumer", "websocket_connect", {"type": "websocket.connect"})
        assert handler["duration_ms"] >= 0 and "running" not in handler
        assert [c["text"] for c in h.traces("console", "c1")] == ["WebSocket Connect..."]
        assert h.of("send") == [] and h.of("end") == []
    finally:
        h.close()


async def test_echo_sends_text_and_bytes_and_ends_cleanly():
    h = Harness(example("echo"))
    try:
        h.open("c1")
        h.event("c1", {"type": "websocket.connect"})
        h.event("c1", {"type": "websocket.receive", "text": "hi"})
        h.event("c1", {"type": "websocket.receive", "bytes": {"$b64": base64.b64encode(b"\x00\xff").decode()}})
        h.event("c1", {"type": "websocket.disconnect", "code": 1000})
        await h.settle()
        messages = [o["message"] for o in h.of("send", "c1")]
        assert messages == [
            {"type": "websocket.accept", "subprotocol": None, "headers": []},
            {"type": "websocket.send", "text": "hi"},
            {"type": "websocket.send", "bytes": {"$b64": "AP8="}},
        ]
        assert h.of("end", "c1") == [{"op": "end", "cid": "c1", "error": None}]
        assert h.traces("receive", "c1")[2]["message"] == {"type": "websocket.receive", "bytes": {"bytes": 2, "hex": "00ff"}}
    finally:
        h.close()


async def test_send_before_accept_raises_in_the_handler_as_daphne_does():
    h = Harness(
        "from channels.consumer import AsyncConsumer\n"
        "class Eager(AsyncConsumer):\n"
        "    async def websocket_connect(self, event):\n"
        "        await self.send({'type': 'websocket.send', 'text': 'too soon'})\n"
    )
    try:
        h.open("c1")
        h.event("c1", {"type": "websocket.connect"})
        await h.settle()
        [end] = h.of("end", "c1")
        assert end["error"]["name"] == "ValueError"
        assert end["error"]["message"] == "Socket has not been accepted, so cannot send over it"
        assert end["error"]["code"] == "WS_SEND_BEFORE_ACCEPT"
        assert 'File "consumer.py", line 4, in websocket_connect' in end["error"]["stack"]
        assert h.traces("handler", "c1")[0]["error"] == "ValueError: Socket has not been accepted, so cannot send over it"
    finally:
        h.close()


async def test_a_missing_handler_ends_the_connection_with_channels_error():
    h = Harness("from channels.consumer import AsyncConsumer\nclass Empty(AsyncConsumer):\n    pass\n")
    try:
        h.open("c1")
        h.event("c1", {"type": "websocket.connect"})
        await h.settle()
        error = h.of("end", "c1")[0]["error"]
        assert error["message"] == "No handler for message type websocket.connect"
        assert error["code"] == "NO_HANDLER"
    finally:
        h.close()


async def test_a_bare_consumer_is_served_at_the_root_only():
    h = Harness(example("echo"))
    try:
        h.open("c1", path="/elsewhere/")
        await h.settle()
        error = h.of("end", "c1")[0]["error"]
        assert error["message"] == "No route found for path 'elsewhere/'."
        assert error["code"] == "NO_ROUTE"
    finally:
        h.close()


def test_load_errors_name_the_line_and_keep_the_old_app():
    h = Harness(example("echo"))
    try:
        served = h.runtime.app
        broken = json.loads(h.runtime.load("from channels.consumer import SyncConsumer\n\nclass X(SyncConsumer:\n    pass\n"))
        assert broken["ok"] is False and broken["error"]["name"] == "SyntaxError" and broken["line"] == 3
        missing = json.loads(h.runtime.load("x = 1\nprint(undefined_name)\n"))
        assert (missing["error"]["name"], missing["line"]) == ("NameError", 2)
        nothing = json.loads(h.runtime.load("x = 1\n"))
        assert nothing["error"]["name"] == "ImproperlyConfigured" and "neither `application` nor a consumer class" in nothing["error"]["message"]
        class_itself = json.loads(h.runtime.load(example("echo") + "\napplication = EchoConsumer\n"))
        assert "application = EchoConsumer.as_asgi()" in class_itself["error"]["message"]
        assert h.runtime.app is served
    finally:
        h.close()


async def test_chat_broadcasts_to_both_clients_and_logs_the_layer():
    h = Harness(example("chat"))
    try:
        assert h.loaded["served"] == "application"
        for cid in ("alice", "bob"):
            h.open(cid, path="/ws/chat/lobby/")
            h.event(cid, {"type": "websocket.connect"})
        await h.settle()
        h.event("alice", {"type": "websocket.receive", "text": "hello room"})
        await h.settle()
        for cid in ("alice", "bob"):
            assert {"type": "websocket.send", "text": "hello room"} in [o["message"] for o in h.of("send", cid)]
        ops = [(e["op"], e.get("group"), e.get("members")) for e in h.traces("layer")]
        assert ("group_add", "chat_lobby", None) in ops and ("group_send", "chat_lobby", 2) in ops
        delivered = [e for e in h.traces("layer") if e["op"] == "deliver"]
        assert sorted(e["conn"]["id"] for e in delivered) == ["alice", "bob"]
        assert all(e["conn"]["channel_name"].startswith("specific..inmemory!") for e in delivered)
    finally:
        h.close()


async def test_a_handler_interrupted_stops_every_connection_and_names_the_handler():
    # What the interrupt buffer does to a `while True: pass`: a KeyboardInterrupt inside the handler.
    h = Harness(
        "from channels.generic.websocket import WebsocketConsumer\n"
        "class Spin(WebsocketConsumer):\n"
        "    def receive(self, text_data=None, bytes_data=None):\n"
        "        raise KeyboardInterrupt\n"
    )
    try:
        for cid in ("c1", "c2"):
            h.open(cid)
            h.event(cid, {"type": "websocket.connect"})
        await h.settle()
        h.event("c1", {"type": "websocket.receive", "text": "spin"})
        await h.settle()
        [stopped] = h.of("stopped")
        assert stopped["reason"] == "timeout"
        assert stopped["suspect"] == {"cid": "c1", "label": "c1", "handler": "Spin.websocket_receive"}
        assert h.runtime.connections == {} and h.of("end") == []
    finally:
        h.close()


async def test_prints_are_logged_against_the_connection_that_printed():
    h = Harness(
        "from channels.generic.websocket import AsyncWebsocketConsumer\n"
        "print('loading')\n"
        "class Talk(AsyncWebsocketConsumer):\n"
        "    async def connect(self):\n"
        "        print('hello', self.scope['path'], end='!\\n')\n"
        "        await self.accept()\n"
    )
    try:
        h.open("c1", label="alice")
        h.event("c1", {"type": "websocket.connect"})
        await h.settle()
        texts = [(e.get("conn", {}).get("label"), e["text"]) for e in h.traces("console")]
        assert texts == [(None, "loading"), ("alice", "hello /!")]
    finally:
        h.close()


async def test_errors_are_cut_to_what_the_server_takes_and_a_raising_str_is_survived():
    code = (
        "from channels.consumer import AsyncConsumer\n"
        "class Loud(Exception):\n"
        "    def __str__(self):\n"
        "        raise RuntimeError('no')\n"
        "class Huge(AsyncConsumer):\n"
        "    async def websocket_connect(self, event):\n"
        "        raise ValueError('x' * 4_000_000)\n"
        "    async def websocket_receive(self, event):\n"
        "        raise Loud()\n"
    )
    h = Harness(code)
    try:
        h.open("c1")
        h.event("c1", {"type": "websocket.connect"})
        h.open("c2")
        h.event("c2", {"type": "websocket.receive", "text": "hi"})
        await h.settle()
        huge = h.of("end", "c1")[0]["error"]
        assert huge["name"] == "ValueError"
        assert len(huge["message"]) <= 10_000 and "characters left out" in huge["message"]
        assert len(huge["stack"]) <= 50_000 and huge["stack"].rstrip().endswith("x")
        loud = h.of("end", "c2")[0]["error"]
        assert loud["name"] == "Loud" and loud["message"] == "<the exception's __str__ raised>"
    finally:
        h.close()
