"""Caps the number of connections served at once with a Semaphore(8).

A "safety limit" that the statement never asked for: the ninth client's
handler waits until one of the first eight has left.
"""

import asyncio

EXPECTED_TO_FAIL = ["test_twenty_clients_at_once"]

MAX_CLIENTS = 8
_slots = asyncio.Semaphore(MAX_CLIENTS)


async def _handle(reader, writer):
    async with _slots:
        while line := await reader.readline():
            writer.write(line)
            await writer.drain()
        writer.close()
        await writer.wait_closed()


async def start_echo_server(host="127.0.0.1", port=0):
    return await asyncio.start_server(_handle, host, port)
