"""A TaskGroup, but each job appends its result when it finishes: results come
back in completion order, not in the order of jobs."""

import asyncio

EXPECTED_TO_FAIL = ["test_results_in_order"]


async def all_or_nothing(jobs):
    results = []

    async def run(job):
        results.append(await job())

    async with asyncio.TaskGroup() as group:
        for job in jobs:
            group.create_task(run(job))
    return results
