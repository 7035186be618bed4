"""Scenarios for the public checks of ex14 (run by the world; the student's RateLimiter lives in their process).

The world makes one ``RateLimiter`` in the student's process and plays every caller
itself: a caller is a task of the world that calls ``__aenter__`` of that limiter
remotely, notes the time (on the world's clock) when it returns, holds the limiter
for a moment, and calls ``__aexit__``. Entries are what the world saw, when it saw them.
"""

import asyncio

from gradekit.world import scenario


class Caller:
    """``async with limiter:`` played from the world: enter, note the time, hold, leave."""

    def __init__(self, h, limiter, start: float, entries: list) -> None:
        self.h, self.start, self.entries = h, start, entries
        self.enter, self.leave = limiter.method("__aenter__"), limiter.method("__aexit__")

    def now(self) -> float:
        return round(self.h.now() - self.start, 6)

    async def use(self, who, hold: float = 0.0) -> None:
        await self.enter()
        self.entries.append([who, self.now()])
        if hold:
            await self.h.sleep(hold)
        await self.leave(None, None, None)


@scenario
async def burst(h, rate: int, period: float, tasks: int, offset: float = 0.0, hold: float = 0.0):
    """`tasks` callers enter one limiter at the same moment; each holds it `hold` seconds.

    Returns every entry as [caller, time since the burst started], in entry order.
    """
    if offset:
        await h.sleep(offset)  # start between two multiples of `period` on the clock
    limiter = await h.student.RateLimiter(rate, period)
    entries: list = []
    caller = Caller(h, limiter, h.now(), entries)
    loop = asyncio.get_running_loop()
    await asyncio.gather(*(loop.create_task(caller.use(i, hold)) for i in range(tasks)))
    return {"entries": entries, "elapsed": caller.now()}
