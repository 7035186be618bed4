"""Awaits each count before starting the next: One/Two pairs, n × delay in total."""

import asyncio

EXPECTED_TO_FAIL = ["test_ones_before_twos", "test_elapsed_is_one_delay"]


async def count(name, log, delay=1.0):
    log.append(f"{name}: One")
    await asyncio.sleep(delay)
    log.append(f"{name}: Two")


async def count_all(names, delay=1.0):
    log = []
    for name in names:
        await count(name, log, delay)
    return log
