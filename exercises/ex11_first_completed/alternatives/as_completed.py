"""Alternative: asyncio.as_completed, then cancel and await whatever is left."""

import asyncio


async def fastest(mirrors, fetch):
    tasks = [asyncio.create_task(fetch(m)) for m in mirrors]
    errors = []
    try:
        for next_done in asyncio.as_completed(tasks):
            try:
                return await next_done
            except Exception as exc:
                errors.append(exc)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    raise ExceptionGroup("all mirrors failed", errors)
