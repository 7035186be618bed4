"""Fetches each distinct url once: duplicates are not fetched once per occurrence."""

import asyncio

EXPECTED_TO_FAIL = ["test_once_per_occurrence"]


async def fetch_all(urls, fetch):
    unique = list(dict.fromkeys(urls))
    results = dict(zip(unique, await asyncio.gather(*(fetch(u) for u in unique))))
    return [results[u] for u in urls]
