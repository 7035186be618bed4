"""Spaces every entry period/rate apart (a leaky bucket / pacer).

Never breaks the window rule, but the first `rate` do not enter at once and a
burst after a quiet spell is slowed down for nothing.
"""

import asyncio

EXPECTED_TO_FAIL = ["test_first_rate_enter_at_once", "test_no_needless_waiting"]


class RateLimiter:
    def __init__(self, rate, period):
        self._gap = period / rate
        self._next = None
        self._lock = asyncio.Lock()

    async def __aenter__(self):
        loop = asyncio.get_running_loop()
        async with self._lock:
            now = loop.time()
            if self._next is not None and self._next > now:
                await asyncio.sleep(self._next - now)
            self._next = loop.time() + self._gap
        return self

    async def __aexit__(self, *exc):
        return None
