"""Linear backoff: waits base, 2 x base, 3 x base... instead of doubling each time."""

import asyncio

EXPECTED_TO_FAIL = ["test_backoff_schedule"]


async def retry(op, attempts, base_delay, retry_on=(Exception,)):
    for attempt in range(attempts):
        try:
            return await op()
        except retry_on:
            if attempt == attempts - 1:
                raise
        await asyncio.sleep(base_delay * (attempt + 1))
