"""Never checks `limit`: with limit 0, Semaphore(0) lets nothing in and the call hangs
forever instead of raising ValueError."""

import asyncio

EXPECTED_TO_FAIL = ["test_limit_below_one_raises"]


async def fetch_limited(urls, fetch, limit):
    sem = asyncio.Semaphore(limit)

    async def one(url):
        async with sem:
            return await fetch(url)

    return list(await asyncio.gather(*(one(u) for u in urls)))
