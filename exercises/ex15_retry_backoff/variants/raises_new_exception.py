"""Gives up with a new exception ("failed after N attempts") instead of the last one."""

import asyncio

EXPECTED_TO_FAIL = ["test_reraises_last"]


class RetryError(Exception):
    pass


async def retry(op, attempts, base_delay, retry_on=(Exception,)):
    last = None
    for attempt in range(attempts):
        try:
            return await op()
        except retry_on as exc:
            last = exc
        if attempt < attempts - 1:
            await asyncio.sleep(base_delay * 2 ** attempt)
    raise RetryError(f"failed after {attempts} attempts") from last
