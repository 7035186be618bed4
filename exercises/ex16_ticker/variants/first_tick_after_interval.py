"""Waits one interval before the first tick: tick k at start + (k + 1) x interval."""

import asyncio

EXPECTED_TO_FAIL = ["test_tick_times"]


async def ticker(interval, count):
    loop = asyncio.get_running_loop()
    start = loop.time()
    for k in range(count):
        delay = start + (k + 1) * interval - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        yield k
