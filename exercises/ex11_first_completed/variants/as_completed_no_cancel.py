"""Returns the first success from as_completed and forgets the rest: the slower
fetches are never cancelled."""

import asyncio

EXPECTED_TO_FAIL = ["test_losers_cancelled"]


async def fastest(mirrors, fetch):
    errors = []
    for next_done in asyncio.as_completed([fetch(m) for m in mirrors]):
        try:
            return await next_done
        except Exception as exc:
            errors.append(exc)
    raise ExceptionGroup("all mirrors failed", errors)
