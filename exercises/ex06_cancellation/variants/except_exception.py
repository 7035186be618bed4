"""Cleans up in `except Exception`: CancelledError is a BaseException, so a cancelled
stream never closes its connection."""

import asyncio

EXPECTED_TO_FAIL = ["test_close_once_on_cancel"]


async def stream_messages(conn, messages, interval):
    await conn.open()
    sent = 0
    try:
        for i, message in enumerate(messages):
            if i:
                await asyncio.sleep(interval)
            await conn.send(message)
            sent += 1
    except Exception:
        await conn.close()
        raise
    await conn.close()
    return sent
