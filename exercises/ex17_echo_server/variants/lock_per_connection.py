"""Serves one client at a time: a global asyncio.Lock is held for the whole conversation.

"To keep the output tidy", the handler takes a shared lock before talking to its
client and releases it only when the client leaves, so every other connection
waits for the current one to hang up.
"""

import asyncio

EXPECTED_TO_FAIL = ["test_twenty_clients_at_once", "test_idle_client_does_not_delay_others"]

_lock = asyncio.Lock()


async def _handle(reader, writer):
    async with _lock:
        while line := await reader.readline():
            writer.write(line)
            await writer.drain()
        writer.close()
        await writer.wait_closed()


async def start_echo_server(host="127.0.0.1", port=0):
    return await asyncio.start_server(_handle, host, port)
