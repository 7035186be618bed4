"""gather(return_exceptions=True), then raises an ExceptionGroup at the end: the
right exception, but nothing is cancelled, so the failure is only reported once
every other job has finished."""

import asyncio

EXPECTED_TO_FAIL = ["test_running_jobs_cancelled_at_failure"]


async def all_or_nothing(jobs):
    outcomes = await asyncio.gather(*(job() for job in jobs), return_exceptions=True)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    if errors:
        raise ExceptionGroup("some jobs failed", errors)
    return list(outcomes)
