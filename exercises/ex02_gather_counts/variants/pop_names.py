"""Pops names off the end of the list to start them: concurrent, but in reverse order."""

import asyncio

EXPECTED_TO_FAIL = ["test_ones_follow_names"]


async def count(name, log, delay=1.0):
    log.append(f"{name}: One")
    await asyncio.sleep(delay)
    log.append(f"{name}: Two")


async def count_all(names, delay=1.0):
    log = []
    coros = []
    while names:
        coros.append(count(names.pop(), log, delay))
    await asyncio.gather(*coros)
    return log
