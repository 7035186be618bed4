"""Counts entries in fixed windows aligned to multiples of `period` on the clock.

`rate` may enter at the end of one window and `rate` more at the start of the
next: up to 2 x rate in one period across a boundary.
"""

import asyncio
import math

EXPECTED_TO_FAIL = ["test_window_rule"]


class RateLimiter:
    def __init__(self, rate, period):
        self._rate = rate
        self._period = period
        self._window = None
        self._count = 0
        self._lock = asyncio.Lock()

    async def __aenter__(self):
        loop = asyncio.get_running_loop()
        async with self._lock:
            while True:
                window = math.floor(loop.time() / self._period + 1e-9)
                if window != self._window:
                    self._window, self._count = window, 0
                if self._count < self._rate:
                    self._count += 1
                    return self
                await asyncio.sleep((window + 1) * self._period - loop.time())

    async def __aexit__(self, *exc):
        return None
