"""Scenarios for the public checks of ex14 (run in the sandbox)."""

import asyncio

from gradekit.harness import scenario


@scenario
async def burst(h, rate: int, period: float, tasks: int, offset: float = 0.0, hold: float = 0.0):
    """`tasks` tasks enter one limiter at the same moment; each holds it `hold` seconds.

    Returns every entry as [task, time since the burst started], in entry order.
    """
    if offset:
        await h.sleep(offset)  # start between two multiples of `period` on the clock
    limiter = h.student.RateLimiter(rate, period)
    start = h.now()
    entries = []

    async def worker(i):
        async with limiter:
            entries.append([i, round(h.now() - start, 6)])
            if hold:
                await h.sleep(hold)

    loop = asyncio.get_running_loop()
    await asyncio.gather(*(loop.create_task(worker(i)) for i in range(tasks)))
    return {"entries": entries, "elapsed": round(h.now() - start, 6)}
