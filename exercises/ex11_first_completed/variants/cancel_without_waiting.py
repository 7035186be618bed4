"""Calls task.cancel() on the losers and returns at once: cancel() only *requests*
cancellation, so the losers are still running when the function returns."""

import asyncio

EXPECTED_TO_FAIL = ["test_losers_cancelled"]


async def fastest(mirrors, fetch):
    pending = {asyncio.create_task(fetch(m)) for m in mirrors}
    errors = []
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task.exception() is None:
                for loser in pending:
                    loser.cancel()
                return task.result()
            errors.append(task.exception())
    raise ExceptionGroup("all mirrors failed", errors)
