"""Calls conn.close() without await: that only creates a coroutine object, which is
never run ("coroutine ... was never awaited"), so the connection is never closed."""

import asyncio

EXPECTED_TO_FAIL = ["test_close_once_on_success", "test_close_once_on_send_error", "test_close_once_on_cancel"]


async def stream_messages(conn, messages, interval):
    await conn.open()
    sent = 0
    try:
        for i, message in enumerate(messages):
            if i:
                await asyncio.sleep(interval)
            await conn.send(message)
            sent += 1
    finally:
        conn.close()
    return sent
