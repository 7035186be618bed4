"""Waits with FIRST_COMPLETED until a success, but never cancels the losers:
they keep running (and holding connections) after the answer is returned."""

import asyncio

EXPECTED_TO_FAIL = ["test_losers_cancelled"]


async def fastest(mirrors, fetch):
    pending = {asyncio.create_task(fetch(m)) for m in mirrors}
    errors = []
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task.exception() is None:
                return task.result()
            errors.append(task.exception())
    raise ExceptionGroup("all mirrors failed", errors)
