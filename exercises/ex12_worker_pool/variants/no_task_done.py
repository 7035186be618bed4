"""Forgets queue.task_done(): the queue's unfinished count never drops to zero, so
await queue.join() waits forever and process_all never returns."""

import asyncio

EXPECTED_TO_FAIL = ["test_each_item_handled_once", "test_results_in_input_order", "test_workers_in_flight",
                    "test_no_worker_left", "test_error_stops_the_pool"]


async def process_all(items, handle, workers):
    queue = asyncio.Queue()
    for entry in enumerate(items):
        queue.put_nowait(entry)
    results = [None] * len(items)

    async def worker():
        while True:
            index, item = await queue.get()
            results[index] = await handle(item)

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    await queue.join()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return results
