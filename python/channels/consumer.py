import functools
import inspect

from asgiref.sync import _pending, async_to_sync, run_queued

from . import DEFAULT_CHANNEL_LAYER
from .exceptions import StopConsumer, coded
from .layers import get_channel_layer
from .utils import await_many_dispatch


def get_handler_name(message):
    """Looks at a message, checks it has a sensible type, and returns the handler name for that type."""
    if "type" not in message:
        raise ValueError("Incoming message has no 'type' attribute")
    handler_name = message["type"].replace(".", "_")
    if handler_name.startswith("_"):
        raise ValueError("Malformed type in message (leading underscore)")
    return handler_name


def _ended(error):
    pass


class Hooks:
    """What the playground watches: every handler call, with its message and outcome."""

    def handler(self, consumer, name, message):
        """Called as a handler starts; returns what to call with its error (or None) as it ends."""
        return _ended


hooks = Hooks()


def _find_handler(consumer, message):
    name = get_handler_name(message)
    handler = getattr(consumer, name, None)
    if handler is None:
        raise coded(ValueError("No handler for message type %s" % message["type"]), "NO_HANDLER")
    return name, handler


class AsyncConsumer:
    """Base consumer class: implements the ASGI application spec, manages the channel layer and routes each event
    to the method named after its type."""

    _sync = False
    channel_layer_alias = DEFAULT_CHANNEL_LAYER

    async def __call__(self, scope, receive, send):
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        if self.channel_layer is not None:
            self.channel_name = await self.channel_layer.new_channel()
            self.channel_receive = functools.partial(self.channel_layer.receive, self.channel_name)
        self.base_send = async_to_sync(send) if self._sync else send
        try:
            if self.channel_layer is not None:
                await await_many_dispatch([receive, self.channel_receive], self.dispatch)
            else:
                await await_many_dispatch([receive], self.dispatch)
        except StopConsumer:
            pass

    async def dispatch(self, message):
        name, handler = _find_handler(self, message)
        ended = hooks.handler(self, name, message)
        error = None
        try:
            result = handler(message)
            # A plain method works too, as in the TypeScript core.
            if inspect.isawaitable(result):
                await result
        except BaseException as e:
            error = e
            raise
        finally:
            ended(error)

    async def send(self, message):
        await self.base_send(message)

    @classmethod
    def as_asgi(cls, **initkwargs):
        """Returns an ASGI v3 single callable that instantiates a consumer instance per scope."""

        async def app(scope, receive, send):
            consumer = cls(**initkwargs)
            return await consumer(scope, receive, send)

        app.consumer_class = cls
        app.consumer_initkwargs = initkwargs
        functools.update_wrapper(app, cls, updated=())
        return app


class SyncConsumer(AsyncConsumer):
    """Synchronous version of the consumer. Handlers are plain functions; what they send (and what they call
    through async_to_sync) runs in call order and is done before the next event (see asgiref.sync)."""

    _sync = True

    async def dispatch(self, message):
        name, handler = _find_handler(self, message)
        calls = []
        token = _pending.set(calls)
        ended = hooks.handler(self, name, message)
        error = None
        try:
            result = handler(message)
            if inspect.isawaitable(result):
                if inspect.iscoroutine(result):
                    result.close()
                raise TypeError(
                    "%s.%s() returned a coroutine, but a SyncConsumer's handlers are plain functions: "
                    "remove 'async', or subclass AsyncConsumer" % (type(self).__name__, name)
                )
        except BaseException as e:
            error = e
            raise
        finally:
            _pending.reset(token)
            try:
                await run_queued(calls)
            finally:
                ended(error)

    def send(self, message):
        self.base_send(message)
