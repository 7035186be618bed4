"""Off by one: yields 0 … count (count + 1 ticks)."""

import asyncio

EXPECTED_TO_FAIL = ["test_yields_count_ticks"]


async def ticker(interval, count):
    loop = asyncio.get_running_loop()
    start = loop.time()
    for k in range(count + 1):
        delay = start + k * interval - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        yield k
