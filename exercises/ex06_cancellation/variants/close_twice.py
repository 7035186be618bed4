"""Closes in the happy path *and* in finally: on success close() runs twice."""

import asyncio

EXPECTED_TO_FAIL = ["test_close_once_on_success"]


async def stream_messages(conn, messages, interval):
    await conn.open()
    sent = 0
    try:
        for i, message in enumerate(messages):
            if i:
                await asyncio.sleep(interval)
            await conn.send(message)
            sent += 1
        await conn.close()
    finally:
        await conn.close()
    return sent
