"""Reference: asyncio.wait(FIRST_COMPLETED) in a loop until one succeeds."""

import asyncio
from collections.abc import Awaitable, Callable


async def fastest(mirrors: list[str], fetch: Callable[[str], Awaitable[str]]) -> str:
    order = {}
    for index, mirror in enumerate(mirrors):
        order[asyncio.create_task(fetch(mirror))] = index
    pending = set(order)
    errors: list[tuple[int, Exception]] = []
    try:
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in sorted(done, key=order.__getitem__):
                if task.exception() is None:
                    return task.result()
                errors.append((order[task], task.exception()))
    finally:
        # Cancel the losers and wait until they have really stopped.
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    raise ExceptionGroup("every mirror failed", [error for _, error in sorted(errors, key=lambda e: e[0])])
