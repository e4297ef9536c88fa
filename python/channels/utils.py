import asyncio


async def await_many_dispatch(consumer_callables, dispatch):
    """Given a set of consumer callables, awaits on them all and passes results from them to the dispatch awaitable
    as they come in: one at a time, in order, so an instance handles one event at a time."""
    tasks = [asyncio.ensure_future(consumer_callable()) for consumer_callable in consumer_callables]
    try:
        while True:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for i, task in enumerate(tasks):
                if task.done():
                    result = task.result()
                    await dispatch(result)
                    tasks[i] = asyncio.ensure_future(consumer_callables[i]())
    finally:
        for task in tasks:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
