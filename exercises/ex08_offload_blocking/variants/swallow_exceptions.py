"""gather(..., return_exceptions=True) and stores the exception in the dict: a failed
hash silently becomes a "result" instead of propagating."""

import asyncio

EXPECTED_TO_FAIL = ["test_exception_propagates"]


async def checksum_files(paths, blocking_hash):
    results = await asyncio.gather(*(asyncio.to_thread(blocking_hash, p) for p in paths),
                                   return_exceptions=True)
    return dict(zip(paths, results))
