"""Cancels the other tasks on the first failure but raises at once without awaiting
them: cancel() is only a request, so they are still running when it raises."""

import asyncio

EXPECTED_TO_FAIL = ["test_nothing_left_running"]


async def all_or_nothing(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    if not tasks:
        return []
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    errors = [t.exception() for t in done if t.exception() is not None]
    if errors:
        for task in pending:
            task.cancel()
        raise ExceptionGroup("a job failed", errors)
    return [t.result() for t in tasks]
