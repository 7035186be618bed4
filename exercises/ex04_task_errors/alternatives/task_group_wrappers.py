"""A TaskGroup whose tasks are wrappers turning a job's exception into its result."""

import asyncio


async def _settle(job):
    try:
        return await job()
    except Exception as exc:  # CancelledError is not an Exception: it still propagates
        return exc


async def run_jobs(jobs):
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(_settle(job)) for job in jobs]
    return [task.result() for task in tasks]
