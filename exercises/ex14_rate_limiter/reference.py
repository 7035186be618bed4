import asyncio
from collections import deque


class RateLimiter:
    """At most ``rate`` entries start in any window of ``period`` seconds (a sliding log)."""

    def __init__(self, rate: int, period: float) -> None:
        if rate < 1 or period <= 0:
            raise ValueError("rate must be at least 1 and period positive")
        self.rate = rate
        self.period = period
        self._starts: deque[float] = deque(maxlen=rate)  # start times of the last `rate` entries
        self._turn = asyncio.Lock()  # waiters queue here, first come first served

    async def __aenter__(self) -> "RateLimiter":
        async with self._turn:
            loop = asyncio.get_running_loop()
            if len(self._starts) == self.rate:
                # The oldest of the last `rate` entries must be a full period old.
                delay = self._starts[0] + self.period - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            self._starts.append(loop.time())  # maxlen drops the oldest
        return self

    async def __aexit__(self, *exc_info) -> None:
        return None
