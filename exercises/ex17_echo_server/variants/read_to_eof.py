"""Reads with reader.read() (up to EOF): nothing is echoed until the client hangs up.

``read()`` with no size (or -1) waits for the end of the stream, so an
interactive client that waits for its echo before going on never gets one.
"""

import asyncio

EXPECTED_TO_FAIL = ["test_echoes_each_line", "test_twenty_clients_at_once"]


async def _handle(reader, writer):
    data = await reader.read()
    writer.write(data)
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def start_echo_server(host="127.0.0.1", port=0):
    return await asyncio.start_server(_handle, host, port)
