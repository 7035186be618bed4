"""Sleeps before every send, the first one included: the first message waits a whole
interval for nothing and every send is one interval late."""

import asyncio

EXPECTED_TO_FAIL = ["test_sends_spaced_by_interval"]


async def stream_messages(conn, messages, interval):
    await conn.open()
    sent = 0
    try:
        for message in messages:
            await asyncio.sleep(interval)
            await conn.send(message)
            sent += 1
    finally:
        await conn.close()
    return sent
