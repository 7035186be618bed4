"""Sleeps `interval` after each yield: the consumer's time is added to every tick, so
the schedule drifts, and a late consumer pushes every later tick back."""

import asyncio

EXPECTED_TO_FAIL = ["test_no_drift", "test_late_tick_at_once"]


async def ticker(interval, count):
    for k in range(count):
        yield k
        if k < count - 1:
            await asyncio.sleep(interval)
