"""A sliding log measured with time.monotonic(), purged in a loop."""

import asyncio
import time
from collections import deque


class RateLimiter:
    def __init__(self, rate: int, period: float) -> None:
        self._rate = rate
        self._period = period
        self._log: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def __aenter__(self):
        async with self._lock:
            while True:
                now = time.monotonic()
                while self._log and now - self._log[0] >= self._period - 1e-9:
                    self._log.popleft()
                if len(self._log) < self._rate:
                    self._log.append(now)
                    return self
                await asyncio.sleep(self._log[0] + self._period - now)

    async def __aexit__(self, exc_type, exc, tb):
        return False
