"""No try/finally: close() sits after the loop, so an error from send or a cancellation
skips it and the connection is leaked."""

import asyncio

EXPECTED_TO_FAIL = ["test_close_once_on_send_error", "test_close_once_on_cancel"]


async def stream_messages(conn, messages, interval):
    await conn.open()
    sent = 0
    for i, message in enumerate(messages):
        if i:
            await asyncio.sleep(interval)
        await conn.send(message)
        sent += 1
    await conn.close()
    return sent
