"""Drops a tick whose time has already passed ("stale") instead of yielding it at once."""

import asyncio

EXPECTED_TO_FAIL = ["test_late_tick_at_once"]


async def ticker(interval, count):
    loop = asyncio.get_running_loop()
    start = loop.time()
    for k in range(count):
        delay = start + k * interval - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -1e-9:
            continue  # missed it: skip to the next tick
        yield k
