"""Recursion: try once; on a retryable failure wait, then retry with one attempt less and twice the delay."""

import asyncio


async def retry(op, attempts, base_delay, retry_on=(Exception,)):
    try:
        return await op()
    except asyncio.CancelledError:
        raise
    except retry_on:
        if attempts <= 1:
            raise
    await asyncio.sleep(base_delay)
    return await retry(op, attempts - 1, base_delay * 2, retry_on)
