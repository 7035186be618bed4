"""ex06 alternative: the open/close pair as an async context manager."""

import asyncio
import contextlib


@contextlib.asynccontextmanager
async def opened(conn):
    await conn.open()
    try:
        yield conn
    finally:
        await conn.close()


async def stream_messages(conn, messages: list[str], interval: float) -> int:
    sent = 0
    async with opened(conn):
        for message in messages:
            if sent:
                await asyncio.sleep(interval)
            await conn.send(message)
            sent += 1
    return sent
