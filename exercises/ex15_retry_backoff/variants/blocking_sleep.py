"""Waits with time.sleep: the schedule looks right, but the loop is frozen during the backoff,
so a cancellation (or anything else) cannot happen until the wait is over."""

import asyncio
import time

EXPECTED_TO_FAIL = ["test_cancel_during_backoff"]


async def retry(op, attempts, base_delay, retry_on=(Exception,)):
    for attempt in range(attempts):
        try:
            return await op()
        except asyncio.CancelledError:
            raise
        except retry_on:
            if attempt == attempts - 1:
                raise
        time.sleep(base_delay * 2 ** attempt)
