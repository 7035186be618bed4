"""Fetches in batches of `limit` with gather: the bound and the order hold, but a
batch waits for its slowest fetch, so freed slots stay idle while urls wait."""

import asyncio

EXPECTED_TO_FAIL = ["test_freed_slot_reused"]


async def fetch_limited(urls, fetch, limit):
    if limit < 1:
        raise ValueError("limit must be >= 1")
    results = []
    for start in range(0, len(urls), limit):
        results += await asyncio.gather(*(fetch(u) for u in urls[start:start + limit]))
    return results
