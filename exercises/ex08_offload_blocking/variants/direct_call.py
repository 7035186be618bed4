"""Calls blocking_hash directly in the coroutine: `async def` does not make it
asynchronous — the loop is frozen for every hash, one after the other."""

EXPECTED_TO_FAIL = ["test_loop_stays_responsive", "test_paths_hashed_concurrently"]


async def checksum_files(paths, blocking_hash):
    return {path: blocking_hash(path) for path in paths}
