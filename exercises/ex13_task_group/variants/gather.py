"""Uses plain asyncio.gather: the first failure comes out as a bare exception (no
ExceptionGroup) and the other jobs are left running."""

import asyncio

EXPECTED_TO_FAIL = ["test_failure_raises_exception_group", "test_running_jobs_cancelled_at_failure",
                    "test_nothing_left_running"]


async def all_or_nothing(jobs):
    return list(await asyncio.gather(*(job() for job in jobs)))
