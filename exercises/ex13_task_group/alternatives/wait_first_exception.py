"""Alternative without TaskGroup: asyncio.wait(FIRST_EXCEPTION), then cancel, await and group."""

import asyncio


async def all_or_nothing(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    if not tasks:
        return []
    try:
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    errors = [t.exception() for t in tasks if t in done and t.exception() is not None]
    if errors:
        raise ExceptionGroup("a job failed", errors)
    return [task.result() for task in tasks]
