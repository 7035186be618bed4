"""Catches BaseException for every job, so after a cancellation the jobs are cancelled
but run_jobs returns a list of CancelledError objects instead of propagating."""

import asyncio

EXPECTED_TO_FAIL = ["test_cancel_propagates"]


async def run_jobs(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    try:
        await asyncio.wait(tasks)
    except asyncio.CancelledError:
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)
    results = []
    for task in tasks:
        try:
            results.append(task.result())
        except BaseException as exc:  # "catch everything": CancelledError included
            results.append(exc)
    return results
