"""Replaced time.sleep with await asyncio.sleep and dropped the stray sleep, but the tasks
are still fire-and-forget: it waits a guessed second, and a failed send is never seen."""

import asyncio

EXPECTED_TO_FAIL = ["test_elapsed_is_one_send", "test_failing_send_raises"]


async def notify_all(users, send):
    sent = 0
    for user in users:
        asyncio.create_task(send(user))
        sent += 1
    await asyncio.sleep(1.0)  # give the sends time to finish
    return sent
