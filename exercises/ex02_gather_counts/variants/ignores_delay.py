"""count sleeps a hard-coded 1 second instead of delay."""

import asyncio

EXPECTED_TO_FAIL = ["test_elapsed_is_one_delay"]


async def count(name, log, delay=1.0):
    log.append(f"{name}: One")
    await asyncio.sleep(1)
    log.append(f"{name}: Two")


async def count_all(names, delay=1.0):
    log = []
    await asyncio.gather(*(count(n, log, delay) for n in names))
    return log
