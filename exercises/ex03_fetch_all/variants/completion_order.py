"""Collects results with as_completed: concurrent, but in completion order."""

import asyncio

EXPECTED_TO_FAIL = ["test_results_in_order"]


async def fetch_all(urls, fetch):
    return [await f for f in asyncio.as_completed([fetch(u) for u in urls])]
