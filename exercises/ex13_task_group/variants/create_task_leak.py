"""create_task without a group: raises on the first failure but never cancels
the other tasks, which keep running after it has raised."""

import asyncio

EXPECTED_TO_FAIL = ["test_running_jobs_cancelled_at_failure", "test_nothing_left_running"]


async def all_or_nothing(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    if not tasks:
        return []
    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    errors = [t.exception() for t in done if t.exception() is not None]
    if errors:
        raise ExceptionGroup("a job failed", errors)
    return [t.result() for t in tasks]
