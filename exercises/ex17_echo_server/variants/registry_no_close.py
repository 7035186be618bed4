"""Keeps every connection in a registry "to close them all at shutdown", and never closes one when its client leaves.

A common design (a chat server's client list, a connection pool) with a
misconception: closing is left to a shutdown routine, so a connection whose
client has gone stays open, still referenced by the registry. The client never
sees the end of the stream, and from Python 3.12.1 on server.wait_closed(),
which waits for every connection, never finishes either.
"""

import asyncio

EXPECTED_TO_FAIL = ["test_closes_cleanly"]

connections: dict[tuple, asyncio.StreamWriter] = {}


async def _handle(reader, writer):
    peer = writer.get_extra_info("peername")
    connections[peer] = writer
    while line := await reader.readline():
        writer.write(line)
        await writer.drain()
    print(f"{peer} left")


async def close_all() -> None:
    """Call at shutdown: closes every connection the server has seen."""
    writers = list(connections.values())
    connections.clear()
    for writer in writers:
        writer.close()
    await asyncio.gather(*(w.wait_closed() for w in writers), return_exceptions=True)


async def start_echo_server(host="127.0.0.1", port=0):
    return await asyncio.start_server(_handle, host, port)
