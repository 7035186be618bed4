"""asyncio.wait with a timeout, but the pending fetch is never cancelled: it keeps running
after the function returned None."""

import asyncio

EXPECTED_TO_FAIL = ["test_slow_fetch_is_cancelled"]


async def fetch_with_timeout(fetch, url, timeout):
    task = asyncio.ensure_future(fetch(url))
    done, pending = await asyncio.wait({task}, timeout=timeout)
    if task in done:
        return task.result()
    return None
