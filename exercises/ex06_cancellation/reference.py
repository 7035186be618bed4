"""ex06 reference: try/finally around the sends."""

import asyncio
from typing import Protocol


class Connection(Protocol):
    async def open(self) -> None: ...

    async def send(self, message: str) -> None: ...

    async def close(self) -> None: ...


async def stream_messages(conn: Connection, messages: list[str], interval: float) -> int:
    await conn.open()
    sent = 0
    try:
        for i, message in enumerate(messages):
            if i:
                await asyncio.sleep(interval)
            await conn.send(message)
            sent += 1
    finally:
        # Runs on success, on an error from send, and on CancelledError (which then propagates).
        await conn.close()
    return sent
