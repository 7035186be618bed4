"""run_in_executor on a ThreadPoolExecutor of its own, in a `with` block: when a hash fails, leaving the
block waits (on the loop's thread) for the hashes still running, then the exception propagates."""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


async def checksum_files(paths: list[str], blocking_hash: Callable[[str], str]) -> dict[str, str]:
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=max(1, len(paths))) as pool:
        hashes = await asyncio.gather(*(loop.run_in_executor(pool, blocking_hash, path) for path in paths))
    return dict(zip(paths, hashes))
