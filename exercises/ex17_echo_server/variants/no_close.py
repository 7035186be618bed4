"""Returns from the handler without closing the writer: the server never closes the connection.

The handler stops when the client has closed its side, but nothing closes the
server's side. At best the garbage collector closes it when it frees the dropped
StreamWriter, warning "unclosed <StreamWriter ...>" (ResourceWarning): at once
on Python 3.13, at some unpredictable later time on 3.11 and 3.12 (until then a
client waiting for end of stream waits). Either way the code never closed it.
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
