"""Scenarios for the hidden checks of ex14."""

import asyncio

from gradekit.harness import scenario


@scenario
async def arrivals(h, rate: int, period: float, times: list[float], hold: float = 0.0):
    """Task i arrives at times[i] and enters the limiter (holding it ``hold`` s); returns
    [task, entry time] in entry order."""
    limiter = h.student.RateLimiter(rate, period)
    start = h.now()
    entries = []

    async def worker(i, at):
        if at:
            await h.sleep(at)
        async with limiter:
            entries.append([i, round(h.now() - start, 6)])
            if hold:
                await h.sleep(hold)

    loop = asyncio.get_running_loop()
    await asyncio.gather(*(loop.create_task(worker(i, at)) for i, at in enumerate(times)))
    return {"entries": entries, "elapsed": round(h.now() - start, 6)}


@scenario
async def cancel_waiter(h, cancel_at: float):
    """rate 1 / period 1 s: A, B and C arrive at 0 s in that order; A enters and holds the
    limiter 0.6 s; B is cancelled at `cancel_at` while it waits."""
    limiter = h.student.RateLimiter(1, 1.0)
    start = h.now()
    events = []

    def now():
        return round(h.now() - start, 6)

    async def worker(name, at, hold):
        if at:
            await h.sleep(at)
        try:
            async with limiter:
                events.append([name, "entered", now()])
                if hold:
                    await h.sleep(hold)
        except asyncio.CancelledError:
            events.append([name, "cancelled", now()])
            raise

    loop = asyncio.get_running_loop()
    a = loop.create_task(worker("A", 0.0, 0.6))
    b = loop.create_task(worker("B", 0.0, 0.0))
    c = loop.create_task(worker("C", 0.0, 0.0))
    await h.sleep(cancel_at)
    b.cancel()
    await asyncio.wait([a, b, c], timeout=10)
    b_error = None
    if b.done() and not b.cancelled() and b.exception() is not None:
        b_error = h.describe(b.exception())
    return {"events": events, "b_cancelled": b.cancelled(), "b_error": b_error,
            "pending": [n for n, t in zip("ABC", (a, b, c)) if not t.done()]}
