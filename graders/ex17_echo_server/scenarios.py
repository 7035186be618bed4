"""Scenarios for the hidden checks of ex17 (run by the grader; real sockets on the sandbox's loopback).

Every client read is bounded by a timeout, so a server that never answers makes a
check fail instead of hanging. ``_start``, ``_connect``, ``_send``, ``_readline``,
``_close_client`` and ``_shutdown`` come from the public scenarios
(exercises/ex17_echo_server/checks/scenarios.py); the clients are the grader's own
sockets on the sandbox's network (``h.connect``), out of the submission's reach.
"""

import asyncio

from gradekit.world import public_scenarios
from gradekit.world import scenario

_public = public_scenarios(__file__)
_start = _public._start
_connect = _public._connect
_send = _public._send
_readline = _public._readline
_close_client = _public._close_client
_shutdown = _public._shutdown


@scenario(clock="real", limit=5.0, sockets=32)
async def many_clients(h, n: int):
    """n clients connect, each sends one line, and all wait for their echo while all stay connected."""
    server, port = await _start(h)
    writers = []
    try:
        pairs = await asyncio.gather(*(_connect(h, port) for _ in range(n)))
        writers = [w for _, w in pairs]
        # "At once": every connection accepted and its handler waiting before any line is sent
        # (else a handler served early may start its next wait before the others exist).
        await h.settled()
        await asyncio.gather(*(_send(writer, f"client {i}\n".encode()) for i, (_, writer) in enumerate(pairs)))
        started = h.now()
        replies = await asyncio.gather(*(_readline(r) for r, _ in pairs))
        elapsed = round(h.now() - started, 3)
    finally:
        await asyncio.gather(*(_close_client(w) for w in writers))
        await _shutdown(server)
    served = sum(reply == f"client {i}\n" for i, reply in enumerate(replies))
    return {"served": served, "elapsed": elapsed}


@scenario(clock="real", limit=5.0, sockets=3)
async def idle_clients(h):
    """Two clients connect and stay idle (one mid-line); another then sends a line."""
    server, port = await _start(h)
    writers = []
    try:
        _, silent = await _connect(h, port)
        writers.append(silent)
        _, halfway = await _connect(h, port)
        writers.append(halfway)
        await _send(halfway, b"half a li")
        await h.sleep(0.1)
        reader, writer = await _connect(h, port)
        writers.append(writer)
        started = h.now()
        await _send(writer, b"hello\n")
        writer.write_eof()
        reply = await _readline(reader)
        latency = round(h.now() - started, 3)
    finally:
        await asyncio.gather(*(_close_client(w) for w in writers))
        await _shutdown(server)
    return {"reply": reply, "latency": latency}


@scenario(clock="real", limit=5.0, sockets=1)
async def burst_of_lines(h, lines: list[str]):
    """One client sends many lines in a single write, closes its side, then reads the echoes."""
    server, port = await _start(h)
    received = []
    try:
        reader, writer = await _connect(h, port)
        await _send(writer, "".join(lines).encode())
        writer.write_eof()
        for _ in lines:
            reply = await _readline(reader)
            if reply is None or reply == "":
                break
            received.append(reply)
        await _close_client(writer)
    finally:
        await _shutdown(server)
    return {"received": received}


@scenario(clock="real", limit=5.0, sockets=2)
async def disconnect_mid_line(h):
    """A client sends half a line and disconnects; then a new client is served.

    A handler that raises is reported by asyncio to the loop's exception handler
    ("Unhandled exception in client_connected_cb"): the check reads it in
    ``observation.hygiene["never_retrieved"]``, which the student's process reports.
    """
    server, port = await _start(h)
    try:
        _, writer = await _connect(h, port)
        await _send(writer, b"half a line, then gone")
        await h.sleep(0.1)
        await _close_client(writer)
        await h.sleep(0.3)
        reader, writer = await _connect(h, port)
        await _send(writer, b"after\n")
        writer.write_eof()
        reply = await _readline(reader)
        await _close_client(writer)
    finally:
        await _shutdown(server)
    return {"reply": reply}
