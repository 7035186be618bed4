"""asyncio.to_thread tasks inside a TaskGroup."""

import asyncio
from collections.abc import Callable


async def checksum_files(paths: list[str], blocking_hash: Callable[[str], str]) -> dict[str, str]:
    try:
        async with asyncio.TaskGroup() as group:
            tasks = {path: group.create_task(asyncio.to_thread(blocking_hash, path)) for path in paths}
    except ExceptionGroup as group_error:
        raise group_error.exceptions[0] from None  # let the original exception propagate as itself
    return {path: task.result() for path, task in tasks.items()}
