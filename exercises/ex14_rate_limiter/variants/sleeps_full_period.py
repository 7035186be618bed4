"""When the log is full, sleeps a whole period from *now* and tries again.

Never breaks the window rule, but waits longer than needed: the oldest entry
may free its slot much sooner than one period from now.
"""

import asyncio
from collections import deque

EXPECTED_TO_FAIL = ["test_no_needless_waiting"]


class RateLimiter:
    def __init__(self, rate, period):
        self._rate = rate
        self._period = period
        self._log = deque()
        self._lock = asyncio.Lock()

    async def __aenter__(self):
        loop = asyncio.get_running_loop()
        async with self._lock:
            while True:
                now = loop.time()
                while self._log and now - self._log[0] >= self._period - 1e-9:
                    self._log.popleft()
                if len(self._log) < self._rate:
                    self._log.append(now)
                    return self
                await asyncio.sleep(self._period)

    async def __aexit__(self, *exc):
        return None
