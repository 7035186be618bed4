import asyncio
from collections.abc import Awaitable, Callable


async def notify_all(users: list[str], send: Callable[[str], Awaitable[None]]) -> int:
    # Every send is awaited (through gather), nothing blocks the loop, and the first
    # failure propagates to the caller instead of dying in a forgotten task.
    await asyncio.gather(*(send(user) for user in users))
    return len(users)
