"""Waits for queue.join() but never cancels the workers afterwards: they stay
blocked on queue.get() forever, leaked tasks left behind (it does clean up on errors)."""

import asyncio

EXPECTED_TO_FAIL = ["test_no_worker_left"]


async def process_all(items, handle, workers):
    queue = asyncio.Queue()
    for entry in enumerate(items):
        queue.put_nowait(entry)
    results = [None] * len(items)

    async def worker():
        while True:
            index, item = await queue.get()
            try:
                results[index] = await handle(item)
            finally:
                queue.task_done()

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    drained = asyncio.create_task(queue.join())
    done, _ = await asyncio.wait([drained, *tasks], return_when=asyncio.FIRST_COMPLETED)
    for task in done:
        if task is not drained and task.exception() is not None:
            drained.cancel()
            for other in tasks:
                other.cancel()
            await asyncio.gather(drained, *tasks, return_exceptions=True)
            raise task.exception()
    return results
