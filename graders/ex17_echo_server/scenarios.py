"""Scenarios for the hidden checks of ex17 (run in the sandbox, real sockets on loopback).

Every client read is bounded by a timeout, so a server that never answers makes a
check fail instead of hanging. ``_start``, ``_connect``, ``_readline``, ``_close_client``
and ``_shutdown`` come from the public scenarios (exercises/ex17_echo_server/checks/scenarios.py).
"""

import asyncio

from gradekit.harness import public_scenarios, scenario

_public = public_scenarios(__file__)
_start = _public._start
_connect = _public._connect
_readline = _public._readline
_close_client = _public._close_client
_shutdown = _public._shutdown


@scenario(clock="real", limit=5.0)
async def many_clients(h, n: int):
    """n clients connect, each sends one line, and all wait for their echo while all stay connected."""
    server, port = await _start(h)
    writers = []
    try:
        pairs = await asyncio.gather(*(_connect(port) for _ in range(n)))
        writers = [w for _, w in pairs]
        for i, (_, writer) in enumerate(pairs):
            writer.write(f"client {i}\n".encode())
        await asyncio.gather(*(w.drain() for w in writers))
        started = h.now()
        replies = await asyncio.gather(*(_readline(r) for r, _ in pairs))
        elapsed = round(h.now() - started, 3)
    finally:
        await asyncio.gather(*(_close_client(w) for w in writers))
        await _shutdown(server)
    served = sum(reply == f"client {i}\n" for i, reply in enumerate(replies))
    return {"served": served, "elapsed": elapsed}


@scenario(clock="real", limit=5.0)
async def idle_clients(h):
    """Two clients connect and stay idle (one mid-line); another then sends a line."""
    server, port = await _start(h)
    writers = []
    try:
        _, silent = await _connect(port)
        writers.append(silent)
        _, halfway = await _connect(port)
        writers.append(halfway)
        halfway.write(b"half a li")
        await halfway.drain()
        await h.sleep(0.1)
        reader, writer = await _connect(port)
        writers.append(writer)
        started = h.now()
        writer.write(b"hello\n")
        await writer.drain()
        writer.write_eof()
        reply = await _readline(reader)
        latency = round(h.now() - started, 3)
    finally:
        await asyncio.gather(*(_close_client(w) for w in writers))
        await _shutdown(server)
    return {"reply": reply, "latency": latency}


@scenario(clock="real", limit=5.0)
async def burst_of_lines(h, lines: list[str]):
    """One client sends many lines in a single write, closes its side, then reads the echoes."""
    server, port = await _start(h)
    received = []
    try:
        reader, writer = await _connect(port)
        writer.write("".join(lines).encode())
        await writer.drain()
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


@scenario(clock="real", limit=5.0)
async def disconnect_mid_line(h):
    """A client sends half a line and disconnects; then a new client is served."""
    server, port = await _start(h)
    try:
        _, writer = await _connect(port)
        writer.write(b"half a line, then gone")
        await writer.drain()
        await h.sleep(0.1)
        me = asyncio.current_task()
        watched = {t for t in asyncio.all_tasks() if t is not me and not t.done()}
        await _close_client(writer)
        await h.sleep(0.3)
        crashed = []
        for task in watched:
            if task.done() and not task.cancelled() and task.exception() is not None:
                crashed.append(h.describe(task.exception()))
        reader, writer = await _connect(port)
        writer.write(b"after\n")
        await writer.drain()
        writer.write_eof()
        reply = await _readline(reader)
        await _close_client(writer)
    finally:
        await _shutdown(server)
    return {"crashed": crashed, "reply": reply}
