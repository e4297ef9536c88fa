"""asgiref.sync for a runtime with one thread.

Python's async_to_sync blocks the calling thread until the coroutine is done. Pyodide has no second thread to
block, so here a sync consumer's calls are queued in call order and run, each to its end, before the consumer
takes its next event: what a handler sends or group_sends has happened before the next handler runs, which is
the guarantee blocking gives. The one difference: the call returns None instead of the coroutine's result
(use an AsyncConsumer to get results).
"""

import contextvars
import functools
import inspect

# The queue of the sync handler being run, set by SyncConsumer.dispatch.
_pending = contextvars.ContextVar("channels_pending_calls", default=None)


def run_queued(calls):
    """Runs the calls a sync handler queued, in order (SyncConsumer awaits this after each handler)."""

    async def run():
        while calls:
            await calls.pop(0)

    return run()


class AsyncToSync:
    def __init__(self, awaitable):
        if not callable(awaitable):
            raise TypeError("async_to_sync can only be applied to async functions.")
        self.awaitable = awaitable
        functools.update_wrapper(self, awaitable, updated=())

    def __call__(self, *args, **kwargs):
        calls = _pending.get()
        if calls is None:
            raise RuntimeError(
                "async_to_sync() can only be called from a sync consumer's handler here: the playground's Python "
                "runs on one thread, which cannot block. In async code, await the function instead."
            )
        result = self.awaitable(*args, **kwargs)
        if inspect.isawaitable(result):
            calls.append(result)
        return None


class SyncToAsync:
    def __init__(self, func, thread_sensitive=True, executor=None):
        if not callable(func) or inspect.iscoroutinefunction(func):
            raise TypeError("sync_to_async can only be applied to sync functions.")
        self.func = func
        functools.update_wrapper(self, func, updated=())

    async def __call__(self, *args, **kwargs):
        return self.func(*args, **kwargs)

    def __get__(self, parent, objtype):
        # Bound like a method, so @sync_to_async works on methods.
        return functools.partial(self.__call__, parent)


def async_to_sync(awaitable=None, *, force_new_loop=False):
    if awaitable is None:
        return lambda f: AsyncToSync(f)
    return AsyncToSync(awaitable)


def sync_to_async(func=None, *, thread_sensitive=True, executor=None):
    if func is None:
        return lambda f: SyncToAsync(f, thread_sensitive=thread_sensitive, executor=executor)
    return SyncToAsync(func, thread_sensitive=thread_sensitive, executor=executor)
