"""loop.run_in_executor with the loop's default ThreadPoolExecutor."""

import asyncio
from collections.abc import Callable


async def checksum_files(paths: list[str], blocking_hash: Callable[[str], str]) -> dict[str, str]:
    loop = asyncio.get_running_loop()
    futures = [loop.run_in_executor(None, blocking_hash, path) for path in paths]
    return {path: digest for path, digest in zip(paths, await asyncio.gather(*futures))}
