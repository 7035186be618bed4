"""asyncio.wait with no cleanup: when run_jobs is cancelled, the jobs' tasks keep running."""

import asyncio

EXPECTED_TO_FAIL = ["test_cancel_cancels_every_job"]


async def run_jobs(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    await asyncio.wait(tasks)
    return [task.exception() or task.result() for task in tasks]
