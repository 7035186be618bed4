"""Gives each worker its own copy of the work (each one walks the whole items list)
instead of sharing one queue: every item is handled `workers` times."""

import asyncio

EXPECTED_TO_FAIL = ["test_each_item_handled_once"]


async def process_all(items, handle, workers):
    results = [None] * len(items)

    async def worker(queue):
        while not queue.empty():
            index, item = queue.get_nowait()
            results[index] = await handle(item)

    tasks = []
    for _ in range(workers):
        queue = asyncio.Queue()
        for entry in enumerate(items):
            queue.put_nowait(entry)
        tasks.append(asyncio.create_task(worker(queue)))
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return results
