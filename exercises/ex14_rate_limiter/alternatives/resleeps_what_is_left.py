"""A sliding log with no tolerance: it re-sleeps whatever its own arithmetic says is left.

With floats, ``oldest + period - now`` can be 0.0 while ``now - oldest < period`` still
holds, so this limiter may sleep 0 s a few times before the oldest entry counts as a
period old (real time moves on meanwhile). It is correct, and the virtual clock must
not spin in place on it (tests/test_harness.py holds the clock to that on such numbers).
"""

import asyncio
from collections import deque


class RateLimiter:
    def __init__(self, rate: int, period: float) -> None:
        self._rate = rate
        self._period = period
        self._log: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def __aenter__(self):
        loop = asyncio.get_running_loop()
        async with self._lock:
            while True:
                now = loop.time()
                while self._log and now - self._log[0] >= self._period:
                    self._log.popleft()
                if len(self._log) < self._rate:
                    self._log.append(now)
                    return self
                await asyncio.sleep(self._log[0] + self._period - now)

    async def __aexit__(self, exc_type, exc, tb):
        return None
