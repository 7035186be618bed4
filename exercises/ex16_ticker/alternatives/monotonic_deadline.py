"""Keeps the next deadline with time.monotonic() and adds interval to it after every tick."""

import asyncio
import time


async def ticker(interval, count):
    deadline = time.monotonic()
    for k in range(count):
        now = time.monotonic()
        if deadline > now:
            await asyncio.sleep(deadline - now)
        yield k
        deadline += interval
