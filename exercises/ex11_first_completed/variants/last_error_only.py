"""Races correctly, but when every mirror fails it re-raises only the last error:
the other failures are lost instead of being grouped in an ExceptionGroup."""

import asyncio

EXPECTED_TO_FAIL = ["test_all_fail_raise_exception_group"]


async def fastest(mirrors, fetch):
    pending = {asyncio.create_task(fetch(m)) for m in mirrors}
    last_error = None
    try:
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task.exception() is None:
                    return task.result()
                last_error = task.exception()
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    raise last_error
