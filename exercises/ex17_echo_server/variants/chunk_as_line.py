"""Treats each read(100) as one line: drops its newline, logs it, adds a newline back.

Fine when lines arrive one at a time, but TCP is a byte stream: a burst of lines
is cut into 100-byte chunks at arbitrary places, and every cut becomes a
spurious line break, so the echoed lines no longer match the ones sent.
"""

import asyncio

EXPECTED_TO_FAIL = ["test_lines_in_order"]


async def _handle(reader, writer):
    while data := await reader.read(100):
        message = data.decode().rstrip("\n")
        print("echo:", message)
        writer.write((message + "\n").encode())
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def start_echo_server(host="127.0.0.1", port=0):
    return await asyncio.start_server(_handle, host, port)
