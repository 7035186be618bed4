"""Awaits op() and breaks out of the loop on success, but never returns its value:
retry() gives back None once op finally succeeds."""

import asyncio

EXPECTED_TO_FAIL = ["test_returns_result"]


async def retry(op, attempts, base_delay, retry_on=(Exception,)):
    for attempt in range(attempts):
        try:
            await op()
            break  # success: stop retrying
        except asyncio.CancelledError:
            raise
        except retry_on:
            if attempt == attempts - 1:
                raise
        await asyncio.sleep(base_delay * 2 ** attempt)
