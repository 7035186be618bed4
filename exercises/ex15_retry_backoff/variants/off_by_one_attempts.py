"""Reads `attempts` as the number of *retries*: calls op attempts + 1 times."""

import asyncio

EXPECTED_TO_FAIL = ["test_at_most_attempts"]


async def retry(op, attempts, base_delay, retry_on=(Exception,)):
    retries = 0
    while True:
        try:
            return await op()
        except retry_on:
            if retries == attempts:
                raise
        await asyncio.sleep(base_delay * 2 ** retries)
        retries += 1
