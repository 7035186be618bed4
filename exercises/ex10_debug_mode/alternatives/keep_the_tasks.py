"""The stub's create_task loop, fixed: keep a reference to every task and await each one."""

import asyncio


async def notify_all(users, send):
    tasks = [asyncio.create_task(send(user)) for user in users]
    try:
        for task in tasks:
            await task
    finally:
        for task in tasks:
            task.cancel()  # no-op for finished tasks; stops the rest if one failed
    return len(tasks)
