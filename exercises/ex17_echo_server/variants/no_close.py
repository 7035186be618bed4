"""Returns from the handler without closing the writer: the client never sees the end.

The handler stops when the client has closed its side, but the server's side of
the connection stays open, so a client waiting for end of stream waits forever.
"""

import asyncio

EXPECTED_TO_FAIL = ["test_closes_cleanly"]


async def _handle(reader, writer):
    while line := await reader.readline():
        writer.write(line)
        await writer.drain()
    print("client left")


async def start_echo_server(host="127.0.0.1", port=0):
    return await asyncio.start_server(_handle, host, port)
