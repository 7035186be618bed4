"""Sleeps `timeout` seconds, then looks whether the fetch is done: a fast fetch still
waits the whole timeout."""

import asyncio

EXPECTED_TO_FAIL = ["test_fast_fetch_does_not_wait"]


async def fetch_with_timeout(fetch, url, timeout):
    task = asyncio.ensure_future(fetch(url))
    await asyncio.sleep(timeout)
    if task.done():
        return task.result()
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    return None
