"""Scenarios for the hidden checks of ex14 (run by the world).

``Caller`` comes from the public scenarios (exercises/ex14_rate_limiter/checks/scenarios.py):
a caller of the world that enters the student's limiter remotely and notes when it got in.
"""

import asyncio

from gradekit.world import public_scenarios
from gradekit.world import scenario

_public = public_scenarios(__file__)
Caller = _public.Caller


@scenario
async def arrivals(h, rate: int, period: float, times: list[float], hold: float = 0.0):
    """Caller i arrives at times[i] and enters the limiter (holding it ``hold`` s); returns
    [caller, entry time] in entry order."""
    limiter = await h.student.RateLimiter(rate, period)
    entries: list = []
    caller = Caller(h, limiter, h.now(), entries)

    async def arrive(i, at):
        if at:
            await h.sleep(at)
        await caller.use(i, hold)

    loop = asyncio.get_running_loop()
    await asyncio.gather(*(loop.create_task(arrive(i, at)) for i, at in enumerate(times)))
    return {"entries": entries, "elapsed": caller.now()}


@scenario
async def cancel_waiter(h, cancel_at: float):
    """rate 1 / period 1 s: A, B and C arrive at 0 s in that order; A enters and holds the
    limiter 0.6 s; B is cancelled at `cancel_at` while it waits (its call of __aenter__ is
    cancelled, as ``task.cancel()`` cancels an ``async with`` that waits)."""
    limiter = await h.student.RateLimiter(1, 1.0)
    entries: list = []
    caller = Caller(h, limiter, h.now(), entries)
    events = []

    async def worker(name, hold):
        try:
            await caller.enter()
        except asyncio.CancelledError:
            events.append([name, "cancelled", caller.now()])
            raise
        events.append([name, "entered", caller.now()])
        if hold:
            await h.sleep(hold)
        await caller.leave(None, None, None)

    loop = asyncio.get_running_loop()
    a = loop.create_task(worker("A", 0.6))
    b = loop.create_task(worker("B", 0.0))
    c = loop.create_task(worker("C", 0.0))
    await h.sleep(cancel_at)
    b.cancel()
    await asyncio.wait([a, b, c], timeout=10)
    b_error = None
    if b.done() and not b.cancelled() and b.exception() is not None:
        b_error = h.describe(b.exception())
    return {"events": events, "b_cancelled": b.cancelled(), "b_error": b_error,
            "pending": [n for n, t in zip("ABC", (a, b, c)) if not t.done()]}
