"""Returns the loop's enumerate index as the count: after the last message i is
len(messages) - 1, so three messages sent are reported as 2 (off by one)."""

import asyncio

EXPECTED_TO_FAIL = ["test_sends_all_and_returns_count"]


async def stream_messages(conn, messages, interval):
    await conn.open()
    try:
        for i, message in enumerate(messages):
            if i:
                await asyncio.sleep(interval)
            await conn.send(message)
    finally:
        await conn.close()
    return i
