import asyncio
from collections.abc import Callable


async def checksum_files(paths: list[str], blocking_hash: Callable[[str], str]) -> dict[str, str]:
    hashes = await asyncio.gather(*(asyncio.to_thread(blocking_hash, path) for path in paths))
    return dict(zip(paths, hashes))
