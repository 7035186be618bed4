"""Creates the tasks but returns the log without awaiting them: it comes back empty, at once."""

import asyncio

EXPECTED_TO_FAIL = ["test_ones_follow_names", "test_elapsed_is_one_delay"]


async def count(name, log, delay=1.0):
    log.append(f"{name}: One")
    await asyncio.sleep(delay)
    log.append(f"{name}: Two")


async def count_all(names, delay=1.0):
    log = []
    for name in names:
        asyncio.create_task(count(name, log, delay))
    return log
