"""A semaphore of `rate` slots; each slot is freed by a timer one period after its entry."""

import asyncio


class RateLimiter:
    def __init__(self, rate: int, period: float) -> None:
        self._slots = asyncio.Semaphore(rate)
        self._period = period

    async def __aenter__(self):
        await self._slots.acquire()
        asyncio.get_running_loop().call_later(self._period, self._slots.release)
        return self

    async def __aexit__(self, *exc_info):
        return None
