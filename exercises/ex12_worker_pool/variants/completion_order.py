"""Workers append each result to a shared list as they finish: results come back
in completion order, not in the order of items."""

import asyncio

EXPECTED_TO_FAIL = ["test_results_in_input_order"]


async def process_all(items, handle, workers):
    queue = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    results = []

    async def worker():
        while True:
            item = await queue.get()
            try:
                results.append(await handle(item))
            finally:
                queue.task_done()

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    drained = asyncio.create_task(queue.join())
    try:
        done, _ = await asyncio.wait([drained, *tasks], return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is not drained:
                task.result()
    finally:
        for task in (drained, *tasks):
            task.cancel()
        await asyncio.gather(drained, *tasks, return_exceptions=True)
    return results
