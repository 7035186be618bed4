"""Alternative: a TaskGroup whose first successful attempt cancels its siblings."""

import asyncio


async def fastest(mirrors, fetch):
    errors = []
    winner = []
    tasks = []

    async def attempt(mirror):
        try:
            value = await fetch(mirror)
        except Exception as exc:
            errors.append(exc)
            return
        if not winner:
            winner.append(value)
            for task in tasks:
                if task is not asyncio.current_task():
                    task.cancel()

    async with asyncio.TaskGroup() as group:
        for mirror in mirrors:
            tasks.append(group.create_task(attempt(mirror)))
    if winner:
        return winner[0]
    raise ExceptionGroup("no mirror answered", errors)
