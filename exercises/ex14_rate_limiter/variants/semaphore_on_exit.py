"""An asyncio.Semaphore(rate) released when the block exits.

That limits how many run *at once* (concurrency), not how many *start* per
period: short blocks let everyone through in a fraction of a period.
"""

import asyncio

EXPECTED_TO_FAIL = ["test_window_rule"]


class RateLimiter:
    def __init__(self, rate, period):
        self._sem = asyncio.Semaphore(rate)

    async def __aenter__(self):
        await self._sem.acquire()
        return self

    async def __aexit__(self, *exc):
        self._sem.release()
