"""Reserves a start time on arrival, then sleeps until it.

Fair and exact, until a waiter is cancelled: its reservation stays in the log,
so everyone behind it waits one period more for a slot nobody uses.
"""

import asyncio

EXPECTED_TO_FAIL = ["test_cancelled_waiter_frees_slot"]


class RateLimiter:
    def __init__(self, rate, period):
        self._rate = rate
        self._period = period
        self._starts = []  # reserved start times, in order

    async def __aenter__(self):
        now = asyncio.get_running_loop().time()
        if len(self._starts) < self._rate:
            start = now
        else:
            start = max(now, self._starts[-self._rate] + self._period)
        self._starts.append(start)
        if start > now:
            await asyncio.sleep(start - now)
        return self

    async def __aexit__(self, *exc):
        return None
