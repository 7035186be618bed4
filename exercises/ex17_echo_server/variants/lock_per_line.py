"""Holds a shared lock while waiting for a line: one idle client starves everyone.

The lock is meant to protect the "read a line, write it back" step, but it is
held across ``await reader.readline()``: a client that sends nothing (or half a
line) keeps the lock, and every other handler waits for it.
"""

import asyncio

EXPECTED_TO_FAIL = ["test_idle_client_does_not_delay_others"]

_lock = asyncio.Lock()


async def _handle(reader, writer):
    while True:
        async with _lock:
            line = await reader.readline()
            if not line:
                break
            writer.write(line)
            await writer.drain()
    writer.close()
    await writer.wait_closed()


async def start_echo_server(host="127.0.0.1", port=0):
    return await asyncio.start_server(_handle, host, port)
