"""ex05 alternative: a task, asyncio.wait with a timeout, then cancel *and await* the loser."""

import asyncio
from collections.abc import Awaitable, Callable


async def fetch_with_timeout(fetch: Callable[[str], Awaitable[str]], url: str, timeout: float) -> str | None:
    task = asyncio.ensure_future(fetch(url))
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout)
    except asyncio.CancelledError:
        task.cancel()
        raise
    if task in done:
        return task.result()  # the value, or the fetch's own exception
    task.cancel()
    await asyncio.wait({task})  # let the cancellation finish: nothing is left running
    return None
