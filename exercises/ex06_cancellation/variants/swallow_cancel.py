"""Catches CancelledError and returns the count "gracefully": close() runs, but the
cancellation is swallowed and the caller never learns it happened."""

import asyncio

EXPECTED_TO_FAIL = ["test_cancellation_propagates"]


async def stream_messages(conn, messages, interval):
    await conn.open()
    sent = 0
    try:
        for i, message in enumerate(messages):
            if i:
                await asyncio.sleep(interval)
            await conn.send(message)
            sent += 1
    except asyncio.CancelledError:
        return sent
    finally:
        await conn.close()
    return sent
