"""A worker pool started with range(limit - 1): one worker short, the limit is never
reached and everything takes longer."""

import asyncio

EXPECTED_TO_FAIL = ["test_limit_reached", "test_elapsed_equal_latencies"]


async def fetch_limited(urls, fetch, limit):
    if limit < 1:
        raise ValueError("limit must be >= 1")
    results = [None] * len(urls)
    work = iter(enumerate(urls))

    async def worker():
        for i, url in work:
            results[i] = await fetch(url)

    await asyncio.gather(*(worker() for _ in range(limit - 1)))
    return results
