"""Fixed the tasks and the blocking sleep, but kept the "gentle" asyncio.sleep(0.01)
without await: it only creates a coroutine object that is never run."""

import asyncio

EXPECTED_TO_FAIL = ["test_no_never_awaited"]


async def notify_all(users, send):
    tasks = []
    for user in users:
        tasks.append(asyncio.create_task(send(user)))
        asyncio.sleep(0.01)  # be gentle with the mail server
    await asyncio.gather(*tasks)
    return len(tasks)
