"""Scenarios for the public checks of ex16 (run by the world: the student's ticker is consumed remotely,
each tick stamped on the world's clock)."""

from gradekit.world import scenario
from gradekit.world.remote import RemoteHandle


def kind_of(value) -> str:
    """What ticker(...) gave: "async_generator" for an async generator of the student's process."""
    return value.type_name if isinstance(value, RemoteHandle) else type(value).__name__


async def consume_ticker(h, interval: float, count: int, work: float = 0.0, slow_after: int | None = None,
                         slow_for: float = 0.0) -> dict:
    """Consume ticker(interval, count); after each tick the consumer works `work` seconds
    (and `slow_for` more after tick `slow_after`). Returns [value, yielded at, asked at]."""
    ticks = []
    gen = await h.student.ticker(interval, count)
    kind = kind_of(gen)
    if kind != "async_generator":
        return {"ticks": ticks, "kind": kind, "elapsed": h.elapsed()}
    asked = h.elapsed()
    async for k in gen:
        ticks.append([k, h.elapsed(), asked])
        if len(ticks) > count + 5:
            break  # far too many ticks: stop here
        if work:
            await h.sleep(work)
        if k == slow_after:
            await h.sleep(slow_for)
        asked = h.elapsed()
    return {"ticks": ticks, "kind": kind, "elapsed": h.elapsed()}


@scenario
async def collect(h, interval: float, count: int, work: float = 0.0, slow_after: int | None = None,
                  slow_for: float = 0.0):
    """Consume ticker(interval, count) with consume_ticker."""
    return await consume_ticker(h, interval, count, work, slow_after, slow_for)
