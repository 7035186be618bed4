"""asyncio.wait, then stores str(exc) for a failure: the caller loses the exception object."""

import asyncio

EXPECTED_TO_FAIL = ["test_values_and_original_exceptions"]


async def run_jobs(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    try:
        await asyncio.wait(tasks)
    finally:
        for task in tasks:
            task.cancel()
    results = []
    for task in tasks:
        exc = task.exception()
        results.append(str(exc) if exc is not None else task.result())
    return results
