"""No queue: every waiter sleeps until the oldest entry expires, then they race.

All waiters wake at the same instant and whoever the loop runs first wins:
the rate holds, but not the arrival order.
"""

import asyncio
from collections import deque

EXPECTED_TO_FAIL = ["test_fifo_order"]


class RateLimiter:
    def __init__(self, rate, period):
        self._rate = rate
        self._period = period
        self._log = deque()

    async def __aenter__(self):
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            while self._log and now - self._log[0] >= self._period - 1e-9:
                self._log.popleft()
            if len(self._log) < self._rate:
                self._log.append(now)
                return self
            await asyncio.sleep(self._log[0] + self._period - now)

    async def __aexit__(self, *exc):
        return None
