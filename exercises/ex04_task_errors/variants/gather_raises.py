"""gather without return_exceptions: the first failure is raised instead of returned in its slot."""

import asyncio

EXPECTED_TO_FAIL = ["test_values_and_original_exceptions"]


async def run_jobs(jobs):
    return list(await asyncio.gather(*(job() for job in jobs)))
