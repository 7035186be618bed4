"""Starts every job as a task, then awaits them in order with no try/except: the first
failure escapes, and the tasks left behind keep running and fail with nobody listening
("Task exception was never retrieved"). Cancelling it only cancels the awaited task."""

import asyncio

EXPECTED_TO_FAIL = [
    "test_values_and_original_exceptions",
    "test_no_exception_never_retrieved",
    "test_cancel_cancels_every_job",
]


async def run_jobs(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    return [await task for task in tasks]
