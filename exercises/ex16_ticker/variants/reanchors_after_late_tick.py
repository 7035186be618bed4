"""After a late tick, restarts the schedule from "now": the late tick comes at once,
but every later tick is shifted by the delay instead of staying on schedule."""

import asyncio

EXPECTED_TO_FAIL = ["test_late_tick_at_once"]


async def ticker(interval, count):
    loop = asyncio.get_running_loop()
    next_due = loop.time()
    for k in range(count):
        now = loop.time()
        if next_due > now:
            await asyncio.sleep(next_due - now)
        else:
            next_due = now  # late: count the next interval from here
        yield k
        next_due += interval
