"""Uses asyncio.wait on the tasks: fine for names, but asyncio.wait([]) raises ValueError."""

import asyncio

EXPECTED_TO_FAIL = ["test_empty_names"]


async def count(name, log, delay=1.0):
    log.append(f"{name}: One")
    await asyncio.sleep(delay)
    log.append(f"{name}: Two")


async def count_all(names, delay=1.0):
    log = []
    await asyncio.wait([asyncio.create_task(count(n, log, delay)) for n in names])
    return log
