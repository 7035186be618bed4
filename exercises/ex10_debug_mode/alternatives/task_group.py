"""asyncio.TaskGroup: a failing send cancels the others and raises an ExceptionGroup."""

import asyncio


async def notify_all(users, send):
    async with asyncio.TaskGroup() as group:
        for user in users:
            group.create_task(send(user))
    return len(users)
