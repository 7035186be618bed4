"""Awaits one fetch after the other: "at most limit" trivially holds, but the limit is
never used and it is far too slow."""

EXPECTED_TO_FAIL = ["test_limit_reached", "test_elapsed_equal_latencies"]


async def fetch_limited(urls, fetch, limit):
    if limit < 1:
        raise ValueError("limit must be >= 1")
    return [await fetch(url) for url in urls]
