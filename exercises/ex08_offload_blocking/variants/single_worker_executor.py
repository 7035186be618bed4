"""run_in_executor on a ThreadPoolExecutor(max_workers=1): off the loop, but a
single thread hashes the files one at a time."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

EXPECTED_TO_FAIL = ["test_paths_hashed_concurrently"]


async def checksum_files(paths, blocking_hash):
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=1) as pool:
        futures = [loop.run_in_executor(pool, blocking_hash, p) for p in paths]
        hashes = await asyncio.gather(*futures)
    return dict(zip(paths, hashes))
