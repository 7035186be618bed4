"""Scenarios for the public checks of ex17 (run by the grader; real sockets on the sandbox's loopback).

The student's server listens on the sandbox's own loopback. Its test clients are the
grader's: sockets made in the sandbox's network before the student's module is
imported, handed to the grader and connected from there (``await h.connect(port)``), so
the submission cannot reach them. What a client received, and when, is what the
grader read itself. Every client read is bounded by a timeout, so a server that never
answers makes a check fail instead of hanging.
"""

import asyncio
import contextlib

from gradekit.world import scenario

HOST = "127.0.0.1"
IO_TIMEOUT = 1.0  # seconds a client waits for any one reply


async def _start(h):
    """(server, port) or raise a RuntimeError whose message says what is wrong."""
    try:
        server = await asyncio.wait_for(h.student.start_echo_server(HOST, 0), IO_TIMEOUT)
    except TimeoutError:
        raise RuntimeError("start_echo_server() did not return within 1 s: it must start the server and return "
                           "it (return the result of asyncio.start_server; do not await serve_forever())") from None
    return server, await h.driver.port_of(server)


async def _connect(h, port):
    """A client's (reader, writer): the grader's own asyncio streams."""
    return await h.connect(port, IO_TIMEOUT)


async def _send(writer, data: bytes) -> None:
    writer.write(data)
    await writer.drain()


async def _readline(reader, timeout=IO_TIMEOUT):
    """One line as text, or None when nothing complete came back in time."""
    try:
        line = await asyncio.wait_for(reader.readline(), timeout)
    except (TimeoutError, ConnectionError):
        return None
    return line.decode("utf-8", errors="replace")


async def _close_client(writer):
    with contextlib.suppress(Exception):
        writer.close()
        await asyncio.wait_for(writer.wait_closed(), IO_TIMEOUT)


async def _shutdown(server):
    """close() + wait_closed(), bounded: True when it finished in time."""
    await server.close()
    try:
        await asyncio.wait_for(server.wait_closed(), IO_TIMEOUT)
    except TimeoutError:
        return False
    return True


@scenario(clock="real", limit=5.0, sockets=1)
async def echo_lines(h, lines: list[str]):
    """One client sends each line and waits for its echo before sending the next."""
    server, port = await _start(h)
    received = []
    try:
        reader, writer = await _connect(h, port)
        for line in lines:
            await _send(writer, line.encode())
            reply = await _readline(reader)
            received.append(reply)
            if reply is None:
                break
        await _close_client(writer)
    finally:
        await _shutdown(server)
    return {"sent": lines, "received": received}


@scenario(clock="real", limit=5.0, sockets=1)
async def close_cleanly(h):
    """A client sends a line and closes its side; then the server is closed.

    A connection the server's code never closes is closed, if ever, by the garbage
    collector when its StreamWriter is freed, with a ResourceWarning "unclosed
    <StreamWriter ...>": on Python 3.13 as soon as the handler returns (the writer's
    last reference goes), on 3.11 and 3.12 at some later collection (a reference cycle
    keeps it). The driver records those warnings in the student's process and forces a
    collection once the client is done, so the observation is the same on every version:
    the client's view (end of stream or not) and the connections left to the garbage collector.
    """
    await h.driver.record_warnings()
    server, port = await _start(h)
    try:
        reader, writer = await _connect(h, port)
        await _send(writer, b"bye\n")
        writer.write_eof()
        try:
            data = await asyncio.wait_for(reader.read(), IO_TIMEOUT)  # everything up to EOF
            eof = True
        except (TimeoutError, ConnectionError):
            data, eof = b"", False
        await _close_client(writer)
        await h.sleep(0.05)
        await h.driver.collect_garbage()  # finalize any StreamWriter the handler dropped without closing it
    finally:
        started = h.now()
        finished = await _shutdown(server)
        close_seconds = round(h.now() - started, 3)
    unclosed = await h.driver.unclosed_connections()
    return {"data": data.decode("utf-8", errors="replace"), "eof": eof, "unclosed": unclosed, "closed": finished,
            "close_seconds": close_seconds}
