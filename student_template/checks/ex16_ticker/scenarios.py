"""Scenarios for the public checks of ex16 (run in the sandbox)."""

from gradekit.harness import scenario


async def consume_ticker(h, interval: float, count: int, work: float = 0.0, slow_after: int | None = None,
                         slow_for: float = 0.0) -> dict:
    """Consume ticker(interval, count); after each tick the consumer works `work` seconds
    (and `slow_for` more after tick `slow_after`). Returns [value, yielded at, asked at]."""
    ticks = []
    asked = h.elapsed()
    async for k in h.student.ticker(interval, count):
        ticks.append([k, h.elapsed(), asked])
        if len(ticks) > count + 5:
            break  # far too many ticks: stop here
        if work:
            await h.sleep(work)
        if k == slow_after:
            await h.sleep(slow_for)
        asked = h.elapsed()
    return {"ticks": ticks, "elapsed": h.elapsed()}


@scenario
async def collect(h, interval: float, count: int, work: float = 0.0, slow_after: int | None = None,
                  slow_for: float = 0.0):
    """Consume ticker(interval, count) with consume_ticker."""
    return await consume_ticker(h, interval, count, work, slow_after, slow_for)
