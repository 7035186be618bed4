"""Submits every hash to a thread pool (all four run at once), then waits for them with
concurrent.futures' blocking .result() inside the coroutine: the loop's thread is frozen
until the hashes are done, though blocking_hash itself never runs on it."""

from concurrent.futures import ThreadPoolExecutor

EXPECTED_TO_FAIL = ["test_loop_stays_responsive"]

_pool = ThreadPoolExecutor(max_workers=8)


async def checksum_files(paths, blocking_hash):
    futures = {path: _pool.submit(blocking_hash, path) for path in paths}
    return {path: future.result() for path, future in futures.items()}
