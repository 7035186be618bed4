"""Alternative: workers in a TaskGroup that stop on an empty queue (errors come as an ExceptionGroup)."""

import asyncio


async def process_all(items, handle, workers):
    queue = asyncio.Queue()
    for entry in enumerate(items):
        queue.put_nowait(entry)
    results = {}

    async def worker():
        while not queue.empty():
            index, item = queue.get_nowait()
            results[index] = await handle(item)

    async with asyncio.TaskGroup() as group:
        for _ in range(workers):
            group.create_task(worker())
    return [results[i] for i in range(len(items))]
