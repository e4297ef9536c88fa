"""Runs a learner's Python module for a playground session, in the learner's browser (a Pyodide worker).

The server stays the protocol server: it relays each test client's ASGI events here and our ops back to the
client, so Daphne's rules are applied once, by the real server. The ops are the TypeScript sandbox's
(sandbox/ops.ts) as JSON, bytes as {"$b64": ...}: send, end and trace, plus "stopped" when a handler was
interrupted or ran out of memory, after which every connection is gone and the module is loaded again.
"""

import asyncio
import base64
import contextvars
import json
import re
import sys
import time
import traceback
import types

from channels import DEFAULT_CHANNEL_LAYER
from channels.consumer import AsyncConsumer, hooks
from channels.exceptions import coded
from channels.layers import InMemoryChannelLayer, channel_layers
from django.urls import ImproperlyConfigured

from .describe import clip, describe
from .websocket_state import WebSocketState

MODULE = "consumer"
FILENAME = "consumer.py"
SITE_PREFIX = "/home/pyodide/site/"

# The connection whose app task is running: each app task sets it, so handlers, prints and layer calls
# made inside a task are logged against its connection.
_current = contextvars.ContextVar("playground_connection", default=None)


def now_ms():
    return time.time() * 1000


# The server refuses an error longer than these (server/playground/app-ops.ts' ErrorData): cut to fit.
MAX_ERROR_NAME = 200
MAX_ERROR_MESSAGE = 10_000
MAX_ERROR_STACK = 50_000
ERROR_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")


def _cut(text, limit):
    if len(text) <= limit:
        return text
    # A traceback ends with what was raised: keep its head and its tail.
    note = "\n… (%d characters left out) …\n" % (len(text) - limit)
    head = limit // 4
    return text[:head] + note + text[-(limit - head - len(note)):]


def error_text(error):
    """str(error), which runs learner code: an exception whose __str__ raises still gets a message."""
    try:
        return str(error)
    except Exception:
        return "<the exception's __str__ raised>"


def error_data(error):
    message = error_text(error)
    try:
        text = "".join(traceback.format_exception(error)).replace(SITE_PREFIX, "")
    except Exception:
        text = ""
    data = {
        "name": type(error).__name__[:MAX_ERROR_NAME],
        "message": _cut(message, MAX_ERROR_MESSAGE),
        "stack": _cut(text, MAX_ERROR_STACK),
    }
    # The machine code the UI's hints read (NO_HANDLER, WS_SEND_BEFORE_ACCEPT, ...), of the form the server takes.
    code = getattr(error, "code", None)
    if isinstance(code, str) and ERROR_CODE.fullmatch(code):
        data["code"] = code
    return data


def learner_line(error):
    """The line of the learner's module an error points at, if any."""
    if isinstance(error, SyntaxError) and error.filename == FILENAME:
        return error.lineno, error.offset or 1
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == FILENAME:
            line = (frame.lineno, (frame.colno or 0) + 1)
    return line


def root_only(app):
    """A bare consumer class is served at the session's root, as the TypeScript sandbox does."""

    async def root(scope, receive, send):
        path = scope.get("path", "/")
        if path not in ("/", ""):
            raise coded(ValueError("No route found for path %r." % path.lstrip("/")), "NO_ROUTE")
        return await app(scope, receive, send)

    return root


def find_application(module):
    """`application` if the module defines one, else its first consumer class, served at /."""
    namespace = vars(module)
    app = namespace.get("application")
    if isinstance(app, type) and issubclass(app, AsyncConsumer):
        raise ImproperlyConfigured(
            "application is the consumer class %s itself: write application = %s.as_asgi(), or leave application out"
            % (app.__name__, app.__name__)
        )
    if app is not None:
        if not callable(app):
            raise ImproperlyConfigured("application must be an ASGI application, not %s" % type(app).__name__)
        return app, "application"
    for value in namespace.values():
        if isinstance(value, type) and issubclass(value, AsyncConsumer) and value.__module__ == MODULE:
            return root_only(value.as_asgi()), "%s.as_asgi() at /" % value.__name__
    raise ImproperlyConfigured(
        "The module defines neither `application` nor a consumer class. Define your consumer "
        "(class MyConsumer(WebsocketConsumer): ...) or an application (application = ProtocolTypeRouter({...}))."
    )


def scope_of(wire):
    latin1 = lambda text: text.encode("latin1")  # noqa: E731
    return {
        "type": "websocket",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "scheme": "ws",
        "path": wire["path"],
        "raw_path": latin1(wire["raw_path"]),
        "root_path": "",
        "query_string": latin1(wire["query_string"]),
        "headers": [(latin1(k), latin1(v)) for k, v in wire["headers"]],
        "client": wire.get("client"),
        "server": wire.get("server"),
        "subprotocols": list(wire["subprotocols"]),
    }


def event_of(raw):
    event = dict(raw)
    data = event.get("bytes")
    if isinstance(data, dict) and "$b64" in data:
        event["bytes"] = base64.b64decode(data["$b64"])
    return event


class Console:
    """sys.stdout and sys.stderr: each printed line becomes a console record of the connection printing it."""

    def __init__(self, runtime, level):
        self.runtime = runtime
        self.level = level
        self.buffer = ""

    def write(self, text):
        self.buffer += str(text)
        while "\n" in self.buffer:
            line, _, self.buffer = self.buffer.partition("\n")
            self.runtime.console(self.level, line)
        return len(text)

    def flush(self):
        if self.buffer:
            line, self.buffer = self.buffer, ""
            self.runtime.console(self.level, line)

    def isatty(self):
        return False


class Connection:
    def __init__(self, runtime, cid, label, subprotocols):
        self.runtime = runtime
        self.cid = cid
        self.label = label
        self.state = WebSocketState(subprotocols)
        self.queue = asyncio.Queue()
        self.channel_name = None
        self.task = None
        self.finished = False

    def tag(self):
        tag = {"id": self.cid, "label": self.label}
        if self.channel_name is not None:
            tag["channel_name"] = self.channel_name
        return tag

    def put(self, event):
        self.queue.put_nowait(event)

    async def receive(self):
        event = await self.queue.get()
        if event["type"] == "websocket.disconnect":
            self.state.disconnected()  # what it sends from now on is dropped, as Daphne does
        self.runtime.trace({"kind": "receive", "conn": self.tag(), "message": describe(event)})
        return event

    async def send(self, message):
        # The server's websocket rules raise here, in the learner's handler, as on the real server.
        wire = self.state.apply(message)
        self.runtime.trace({"kind": "send", "conn": self.tag(), "message": describe(message)})
        if wire is None or self.finished:
            return
        if "bytes" in wire:
            wire["bytes"] = {"$b64": base64.b64encode(wire["bytes"]).decode("ascii")}
        self.runtime.emit({"op": "send", "cid": self.cid, "message": wire})


class TracedLayer(InMemoryChannelLayer):
    """The session's in-memory layer, reporting every call, and what it delivers, to the log."""

    def __init__(self, runtime):
        super().__init__()
        self.observer = runtime.layer_op
        self.runtime = runtime

    async def receive(self, channel):
        message = await super().receive(channel)
        self.runtime.layer_op("deliver", {"channel": channel, "message": message})
        return message


class Runtime:
    def __init__(self, post):
        # Called with the JSON of a list of ops, once per turn of the event loop that made any.
        self.post = post
        self.outbox = []
        self.flush_scheduled = False
        # Counts flushes: a handler record made since the last one can still be completed in place.
        self.generation = 0
        self.app = None
        self.connections = {}
        self.by_channel = {}
        self.inflight = []
        self.stopped_in = None
        self.saved = (sys.stdout, sys.stderr, channel_layers.backends)
        hooks.handler = self.handler
        sys.stdout = Console(self, "log")
        sys.stderr = Console(self, "error")

    def close(self):
        """Gives back what the runtime took over (for tests: the worker keeps one runtime for good)."""
        self.drop_all()
        del hooks.handler
        sys.stdout, sys.stderr, channel_layers.backends = self.saved

    # ---- the outbox ----
    def emit(self, op):
        self.outbox.append(op)
        if not self.flush_scheduled:
            self.flush_scheduled = True
            asyncio.get_event_loop().call_soon(self.flush)

    def trace(self, entry):
        entry.setdefault("t", now_ms())
        self.emit({"op": "trace", "entry": entry})

    def flush(self):
        self.flush_scheduled = False
        if not self.outbox:
            return
        out, self.outbox = self.outbox, []
        for op in out:
            entry = op.get("entry")
            if entry is not None and entry["kind"] == "handler" and "duration_ms" not in entry:
                entry["running"] = True
        self.generation += 1
        self.post(json.dumps(out, default=str))

    # ---- what the log shows ----
    def handler(self, consumer, name, message):
        conn = _current.get()
        if conn is None:
            return lambda error: None
        if conn.channel_name is None and isinstance(getattr(consumer, "channel_name", None), str):
            conn.channel_name = consumer.channel_name
            self.by_channel[conn.channel_name] = conn
        consumer_name = type(consumer).__name__
        started = time.perf_counter()
        entry = {"kind": "handler", "conn": conn.tag(), "consumer": consumer_name, "name": name, "message": describe(message), "t": now_ms()}
        born = self.generation
        running = (conn, consumer_name, name)
        self.inflight.append(running)
        self.trace(entry)

        def ended(error):
            if running in self.inflight:
                self.inflight.remove(running)
            if isinstance(error, (KeyboardInterrupt, MemoryError)):
                self.stopped_in = running  # the suspect, once the error reaches the app's task
            ending = entry
            if born != self.generation:
                ending = {k: v for k, v in entry.items() if k != "running"}
                ending.update(t=now_ms(), ended=True)
            ending["duration_ms"] = round((time.perf_counter() - started) * 1000, 2)
            if error is not None:
                text = error_text(error)
                ending["error"] = "%s: %s" % (type(error).__name__, _cut(text, MAX_ERROR_MESSAGE)) if text else type(error).__name__
            if ending is not entry:
                self.trace(ending)

        return ended

    def console(self, level, text):
        entry = {"kind": "console", "level": level, "text": clip(text)}
        conn = _current.get()
        if conn is not None:
            entry["conn"] = conn.tag()
        self.trace(entry)

    def layer_op(self, op, details):
        entry = {"kind": "layer", "op": op}
        channel = details.get("channel")
        conn = self.by_channel.get(channel) if channel is not None else None
        conn = conn or _current.get()
        if conn is not None:
            entry["conn"] = conn.tag()
        for key in ("group", "channel", "members"):
            if details.get(key) is not None:
                entry[key] = details[key]
        if "message" in details:
            entry["message"] = describe(details["message"])
        self.trace(entry)

    # ---- the worker's entry points ----
    def load(self, code):
        """Runs a new version of the learner's module; the old one keeps serving unless this one loads."""
        try:
            compiled = compile(code, FILENAME, "exec")
        except Exception as error:  # SyntaxError, mostly
            return self.load_failed(error)
        module = types.ModuleType(MODULE)
        module.__file__ = FILENAME
        previous_module, previous_layers = sys.modules.get(MODULE), channel_layers.backends
        sys.modules[MODULE] = module
        channel_layers.configure({DEFAULT_CHANNEL_LAYER: TracedLayer(self)})
        try:
            exec(compiled, module.__dict__)
            app, served = find_application(module)
        except BaseException as error:
            sys.modules.pop(MODULE, None)
            if previous_module is not None:
                sys.modules[MODULE] = previous_module
            channel_layers.backends = previous_layers
            if isinstance(error, (KeyboardInterrupt, MemoryError)):
                raise  # the worker reports these as the interrupt or the memory limit
            return self.load_failed(error)
        self.drop_all()
        self.app = app
        names = [k for k in vars(module) if not k.startswith("_") and getattr(vars(module)[k], "__module__", MODULE) == MODULE]
        return json.dumps({"ok": True, "exports": names, "served": served})

    def load_failed(self, error):
        result = {"ok": False, "error": error_data(error)}
        at = learner_line(error)
        if at is not None:
            result["line"], result["column"] = at
        return json.dumps(result)

    def dispatch(self, events_json):
        for event in json.loads(events_json):
            kind = event["k"]
            if kind == "open":
                self.open(event["cid"], event["label"], event["scope"])
            elif kind == "event":
                conn = self.connections.get(event["cid"])
                if conn is not None and not conn.finished:
                    conn.put(event_of(event["event"]))
            elif kind == "drop":
                # Gone on the server's side: the app hears a disconnect, and nothing more is reported.
                conn = self.connections.pop(event["cid"], None)
                if conn is not None:
                    conn.put({"type": "websocket.disconnect", "code": 1006})
                    conn.finished = True

    def open(self, cid, label, wire):
        conn = Connection(self, cid, label, wire["subprotocols"])
        self.connections[cid] = conn
        conn.task = asyncio.ensure_future(self.run(conn, scope_of(wire)))

    async def run(self, conn, scope):
        _current.set(conn)
        try:
            await self.app(scope, conn.receive, conn.send)
        except asyncio.CancelledError:
            return
        except KeyboardInterrupt:
            return self.stopped("timeout", "interrupted")
        except MemoryError:
            return self.stopped("memory", "MemoryError")
        except BaseException as error:
            return self.end(conn, error)
        self.end(conn, None)

    def end(self, conn, error):
        if conn.finished:
            return
        conn.finished = True
        self.connections.pop(conn.cid, None)
        self.by_channel.pop(conn.channel_name, None)
        self.emit({"op": "end", "cid": conn.cid, "error": None if error is None else error_data(error)})

    def suspect(self):
        """Who was running when a handler was stopped: the newest unfinished handler, else the current connection."""
        running = self.inflight[-1] if self.inflight else self.stopped_in
        if running is not None:
            conn, consumer, name = running
            return {"cid": conn.cid, "label": conn.label, "handler": "%s.%s" % (consumer, name)}
        conn = _current.get()
        return {"cid": conn.cid, "label": conn.label} if conn is not None else {}

    def stopped(self, reason, detail):
        """A handler was interrupted (or ran out of memory): every connection is gone, as when the TypeScript
        sandbox is stopped; the server loads the module again for new ones."""
        suspect = self.suspect()
        self.inflight.clear()
        self.stopped_in = None
        self.drop_all()
        self.emit({"op": "stopped", "reason": reason, "detail": detail, "suspect": suspect})
        self.flush()

    def drop_all(self):
        """Ends every connection's app without reporting it (the server has closed them, or is closing them)."""
        try:
            current = asyncio.current_task()
        except RuntimeError:
            current = None
        for conn in self.connections.values():
            conn.finished = True
            if conn.task is not None and conn.task is not current:
                conn.task.cancel()
        self.connections.clear()
        self.by_channel.clear()
