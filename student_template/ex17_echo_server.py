"""ex17_echo_server — asyncio streams.

Write ``start_echo_server``: start a TCP server with asyncio streams that writes
every received line back to its client. See tasks/ex17_echo_server.md for the
full statement.
"""

import asyncio


async def start_echo_server(host: str = "127.0.0.1", port: int = 0) -> asyncio.Server:
    """Start an echo server on ``host``:``port`` and return it (already serving).

    Each line a client sends (ending with ``\\n``) is written back to it unchanged,
    as soon as it arrives. Many clients are served at the same time. A client's
    connection is closed when that client closes. ``port=0`` lets the system pick
    a free port; the caller reads it from ``server.sockets[0].getsockname()``.
    """
    raise NotImplementedError("ex17: start an asyncio.start_server echo server and return it")
