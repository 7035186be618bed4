"""Uses readuntil(b"\\n") without handling IncompleteReadError.

At end of stream readuntil raises asyncio.IncompleteReadError (with the partial
line in .partial). Uncaught, it escapes the handler: asyncio logs "Unhandled
exception in client_connected_cb" and the connection is torn down.
"""

import asyncio

EXPECTED_TO_FAIL = ["test_disconnect_mid_line"]


async def _handle(reader, writer):
    while not reader.at_eof():
        line = await reader.readuntil(b"\n")
        writer.write(line)
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def start_echo_server(host="127.0.0.1", port=0):
    return await asyncio.start_server(_handle, host, port)
