"""Retries every Exception, ignoring retry_on: a bug (KeyError) is retried like a network error."""

import asyncio

EXPECTED_TO_FAIL = ["test_non_retryable_at_once"]


async def retry(op, attempts, base_delay, retry_on=(Exception,)):
    for attempt in range(attempts):
        try:
            return await op()
        except Exception:
            if attempt == attempts - 1:
                raise
        await asyncio.sleep(base_delay * 2 ** attempt)
