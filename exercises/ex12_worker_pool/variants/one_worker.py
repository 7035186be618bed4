"""Starts a single consumer whatever `workers` says: correct results, but the
items are handled one at a time."""

import asyncio

EXPECTED_TO_FAIL = ["test_workers_in_flight"]


async def process_all(items, handle, workers):
    queue = asyncio.Queue()
    for entry in enumerate(items):
        queue.put_nowait(entry)
    queue.put_nowait(None)
    results = [None] * len(items)

    async def worker():
        while (entry := await queue.get()) is not None:
            index, item = entry
            results[index] = await handle(item)

    await asyncio.create_task(worker())
    return results
