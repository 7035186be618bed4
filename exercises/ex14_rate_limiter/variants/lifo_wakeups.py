"""Hands each freed slot to the most recent waiter (list.pop()) instead of the oldest.

The rate is right, but the last to arrive enters first: early waiters starve.
"""

import asyncio

EXPECTED_TO_FAIL = ["test_fifo_order"]


class RateLimiter:
    def __init__(self, rate, period):
        self._free = rate
        self._period = period
        self._waiters = []

    def _take(self):
        self._free -= 1
        asyncio.get_running_loop().call_later(self._period, self._release)

    def _release(self):
        self._free += 1
        while self._waiters and self._free > 0:
            fut = self._waiters.pop()  # the newest waiter
            if not fut.done():
                self._take()
                fut.set_result(None)

    async def __aenter__(self):
        if self._free > 0 and not self._waiters:
            self._take()
            return self
        fut = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                pass  # the slot was already ours; it frees itself one period later
            elif fut in self._waiters:
                self._waiters.remove(fut)
            raise
        return self

    async def __aexit__(self, *exc):
        return None
