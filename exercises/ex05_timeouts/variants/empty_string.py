"""Returns "" on timeout instead of None."""

import asyncio

EXPECTED_TO_FAIL = ["test_slow_fetch_returns_none"]


async def fetch_with_timeout(fetch, url, timeout):
    try:
        async with asyncio.timeout(timeout):
            return await fetch(url)
    except TimeoutError:
        return ""
