"""Scenarios for the hidden checks of ex16.

``consume_ticker`` comes from the public scenarios (exercises/ex16_ticker/checks/scenarios.py).
"""

import asyncio

from gradekit.harness import public_scenarios, scenario

_public = public_scenarios(__file__)
consume_ticker = _public.consume_ticker


@scenario
async def collect(h, interval: float, count: int, work: float = 0.0, slow_after: int | None = None,
                  slow_for: float = 0.0):
    """Consume ticker(interval, count) with consume_ticker."""
    return await consume_ticker(h, interval, count, work, slow_after, slow_for)


def _new_tasks(before: set) -> list[str]:
    tasks = [t for t in asyncio.all_tasks() if t not in before and not t.done()]
    names = []
    for t in tasks:
        coro = t.get_coro()
        name = getattr(coro, "__qualname__", None)
        if name is None:  # e.g. the aclose() of a dropped generator, still running
            name = "the generator's aclose()" if "athrow" in type(coro).__name__ else type(coro).__name__
        names.append(name)
    return names


@scenario
async def break_early(h, interval: float, count: int, stop_after: int):
    """Break out of `async for` after `stop_after` ticks, twice: once closing the generator
    with aclose() (what contextlib.aclosing does), once just dropping it."""
    before = set(asyncio.all_tasks())
    gen = h.student.ticker(interval, count)
    if not hasattr(gen, "aclose") or not hasattr(gen, "__anext__"):
        return {"kind": type(gen).__name__}
    got = []
    async for k in gen:
        got.append(k)
        if len(got) == stop_after:
            break
    broke_at = h.elapsed()
    await gen.aclose()
    closed_in = round(h.elapsed() - broke_at, 6)
    await h.sleep(0.001)  # let cancelled tasks finish
    left_after_aclose = _new_tasks(before)
    try:
        extra = await gen.__anext__()
        exhausted = False
    except StopAsyncIteration:
        extra, exhausted = None, True

    before = set(asyncio.all_tasks())
    got_dropped = []
    async for k in h.student.ticker(interval, count):  # no reference kept: finalized on break
        got_dropped.append(k)
        if len(got_dropped) == stop_after:
            break
    await h.sleep(0.001)  # the loop closes a dropped generator with aclose() in a new task
    left_after_drop = _new_tasks(before)
    return {"kind": "async_generator", "got": got, "closed_in": closed_in, "left_after_aclose": left_after_aclose,
            "exhausted": exhausted, "extra": repr(extra), "got_dropped": got_dropped,
            "left_after_drop": left_after_drop}
