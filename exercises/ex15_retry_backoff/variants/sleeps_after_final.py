"""Sleeps after every failure, the final one included: gives up one long wait too late."""

import asyncio

EXPECTED_TO_FAIL = ["test_backoff_schedule"]


async def retry(op, attempts, base_delay, retry_on=(Exception,)):
    last = None
    for attempt in range(attempts):
        try:
            return await op()
        except retry_on as exc:
            last = exc
            await asyncio.sleep(base_delay * 2 ** attempt)
    raise last
