"""Semaphore(limit + 1) ("the first one doesn't count"): one fetch too many in flight."""

import asyncio

EXPECTED_TO_FAIL = ["test_never_more_than_limit", "test_elapsed_equal_latencies"]


async def fetch_limited(urls, fetch, limit):
    if limit < 1:
        raise ValueError("limit must be >= 1")
    sem = asyncio.Semaphore(limit + 1)

    async def one(url):
        async with sem:
            return await fetch(url)

    return list(await asyncio.gather(*(one(u) for u in urls)))
