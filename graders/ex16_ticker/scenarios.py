"""Scenarios for the hidden checks of ex16 (run by the world).

``consume_ticker`` comes from the public scenarios (exercises/ex16_ticker/checks/scenarios.py);
which tasks are left running is read in the student's process by the public
``exercises/ex16_ticker/checks/driver.py``.
"""

from gradekit.world import public_scenarios
from gradekit.world import scenario

_public = public_scenarios(__file__)
consume_ticker = _public.consume_ticker
kind_of = _public.kind_of


@scenario
async def collect(h, interval: float, count: int, work: float = 0.0, slow_after: int | None = None,
                  slow_for: float = 0.0):
    """Consume ticker(interval, count) with consume_ticker."""
    return await consume_ticker(h, interval, count, work, slow_after, slow_for)


@scenario
async def break_early(h, interval: float, count: int, stop_after: int):
    """Break out of `async for` after `stop_after` ticks, twice: once closing the generator
    with aclose() (what contextlib.aclosing does), once just dropping it."""
    await h.driver.mark_tasks()
    gen = await h.student.ticker(interval, count)
    kind = kind_of(gen)
    if kind != "async_generator":
        return {"kind": kind}
    got = []
    async for k in gen:  # consumed from the world: each tick is a call of its __anext__
        got.append(k)
        if len(got) >= stop_after:
            break
    broke_at = h.elapsed()
    await gen.aclose()
    closed_in = round(h.elapsed() - broke_at, 6)  # on the world's clock
    await h.sleep(0.001)  # let cancelled tasks finish
    left_after_aclose = await h.driver.tasks_since_mark()
    try:
        extra = await gen.__anext__()
        exhausted = False
    except StopAsyncIteration:
        extra, exhausted = None, True

    # Dropped with no reference left: only the student's own loop can close it, so this half runs there.
    got_dropped, left_after_drop = await h.driver.break_dropped(interval, count, stop_after)
    return {"kind": "async_generator", "got": got, "closed_in": closed_in, "left_after_aclose": left_after_aclose,
            "exhausted": exhausted, "extra": repr(extra), "got_dropped": got_dropped,
            "left_after_drop": left_after_drop}
