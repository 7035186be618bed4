"""Each worker catches exceptions from handle and moves on to the next item: the
failure is swallowed (None in its slot) and the pool keeps going."""

import asyncio

EXPECTED_TO_FAIL = ["test_error_stops_the_pool"]


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
            except Exception:
                pass  # keep the worker alive
            finally:
                queue.task_done()

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    await queue.join()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return results
