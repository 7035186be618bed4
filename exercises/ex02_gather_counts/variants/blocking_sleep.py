"""Uses time.sleep in count: gather cannot interleave them, so the counts run one after another."""

import asyncio
import time

EXPECTED_TO_FAIL = ["test_ones_before_twos", "test_elapsed_is_one_delay"]


async def count(name, log, delay=1.0):
    log.append(f"{name}: One")
    time.sleep(delay)
    log.append(f"{name}: Two")


async def count_all(names, delay=1.0):
    log = []
    await asyncio.gather(*(count(n, log, delay) for n in names))
    return log
