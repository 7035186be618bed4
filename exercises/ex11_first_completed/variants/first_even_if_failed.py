"""Takes whatever finishes first, even a failure: a fast-failing mirror wins the race
and its bare exception escapes (also when every mirror fails: no ExceptionGroup)."""

import asyncio

EXPECTED_TO_FAIL = ["test_failing_mirror_is_skipped", "test_all_fail_raise_exception_group"]


async def fastest(mirrors, fetch):
    tasks = [asyncio.create_task(fetch(m)) for m in mirrors]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return done.pop().result()
