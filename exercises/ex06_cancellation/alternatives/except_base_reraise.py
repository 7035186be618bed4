"""ex06 alternative: explicit except BaseException / else, re-raising the cancellation;
the sends follow a fixed schedule measured on the loop clock (no drift)."""

import asyncio


async def stream_messages(conn, messages: list[str], interval: float) -> int:
    loop = asyncio.get_running_loop()
    await conn.open()
    start = loop.time()
    sent = 0
    try:
        for i, message in enumerate(messages):
            delay = start + i * interval - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            await conn.send(message)
            sent += 1
    except BaseException:  # errors from send and asyncio.CancelledError alike
        await conn.close()
        raise
    else:
        await conn.close()
    return sent
