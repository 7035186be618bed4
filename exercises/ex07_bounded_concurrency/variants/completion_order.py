"""Bounded with a semaphore, but collects results with as_completed: completion order."""

import asyncio

EXPECTED_TO_FAIL = ["test_results_in_order"]


async def fetch_limited(urls, fetch, limit):
    if limit < 1:
        raise ValueError("limit must be >= 1")
    sem = asyncio.Semaphore(limit)

    async def one(url):
        async with sem:
            return await fetch(url)

    return [await f for f in asyncio.as_completed([one(u) for u in urls])]
