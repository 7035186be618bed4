"""Awaits its background producer in `finally` instead of cancelling it: closing the
generator early waits for every remaining tick to be produced."""

import asyncio

EXPECTED_TO_FAIL = ["test_break_runs_cleanup"]


async def ticker(interval, count):
    loop = asyncio.get_running_loop()
    start = loop.time()
    ticks = asyncio.Queue()

    async def produce():
        for k in range(count):
            await asyncio.sleep(max(0.0, start + k * interval - loop.time()))
            ticks.put_nowait(k)

    producer = asyncio.create_task(produce())
    try:
        for _ in range(count):
            yield await ticks.get()
    finally:
        await producer  # "never leave a task running"... but it is never told to stop
