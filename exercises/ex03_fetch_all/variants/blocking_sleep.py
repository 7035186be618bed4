"""Adds a time.sleep "to be polite": blocks the loop, so everything is late."""

import asyncio
import time

EXPECTED_TO_FAIL = ["test_elapsed_is_the_slowest_fetch"]


async def fetch_all(urls, fetch):
    async def polite(url):
        time.sleep(0.2)
        return await fetch(url)
    return list(await asyncio.gather(*(polite(u) for u in urls)))
