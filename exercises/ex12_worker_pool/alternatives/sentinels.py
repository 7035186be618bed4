"""Alternative: one sentinel per worker ends the pool; gather, cancelling the rest on error."""

import asyncio

STOP = object()


async def process_all(items, handle, workers):
    queue = asyncio.Queue()
    for entry in enumerate(items):
        queue.put_nowait(entry)
    for _ in range(workers):
        queue.put_nowait(STOP)
    results = [None] * len(items)

    async def worker():
        while (entry := await queue.get()) is not STOP:
            index, item = entry
            results[index] = await handle(item)

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return results
