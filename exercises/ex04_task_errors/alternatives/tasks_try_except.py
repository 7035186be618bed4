"""create_task for every job, then await each task with its own try/except."""

import asyncio


async def run_jobs(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    results = []
    try:
        for task in tasks:
            try:
                results.append(await task)
            except Exception as exc:  # not BaseException: CancelledError must propagate
                results.append(exc)
    except BaseException:
        # run_jobs was cancelled (or interrupted): take every job down with it
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return results
