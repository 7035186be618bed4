"""Scenarios for the public checks of ex17 (run in the sandbox, real sockets on loopback).

Every client read is bounded by a timeout, so a server that never answers makes a
check fail instead of hanging.
"""

import asyncio
import contextlib
import gc
import re
import warnings

from gradekit.harness import scenario

HOST = "127.0.0.1"
IO_TIMEOUT = 1.0  # seconds a client waits for any one reply


async def _start(h):
    """(server, port) or raise a RuntimeError whose message says what is wrong."""
    try:
        server = await asyncio.wait_for(h.student.start_echo_server(HOST, 0), IO_TIMEOUT)
    except TimeoutError:
        raise RuntimeError("start_echo_server() did not return within 1 s: it must start the server and return "
                           "it (return the result of asyncio.start_server; do not await serve_forever())") from None
    sockets = getattr(server, "sockets", None)
    if not isinstance(server, asyncio.AbstractServer) or not sockets:
        raise RuntimeError(f"start_echo_server() must return the asyncio.Server that asyncio.start_server "
                           f"created, not {type(server).__name__}")
    return server, sockets[0].getsockname()[1]


async def _connect(port):
    return await asyncio.wait_for(asyncio.open_connection(HOST, port), IO_TIMEOUT)


async def _readline(reader, timeout=IO_TIMEOUT):
    """One line as text, or None when nothing complete came back in time."""
    try:
        line = await asyncio.wait_for(reader.readline(), timeout)
    except (TimeoutError, ConnectionError):
        return None
    return line.decode("utf-8", errors="replace")


async def _close_client(writer):
    writer.close()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(writer.wait_closed(), IO_TIMEOUT)


async def _shutdown(server):
    """close() + wait_closed(), bounded: True when it finished in time."""
    server.close()
    try:
        await asyncio.wait_for(server.wait_closed(), IO_TIMEOUT)
    except TimeoutError:
        return False
    return True


@scenario(clock="real", limit=5.0)
async def echo_lines(h, lines: list[str]):
    """One client sends each line and waits for its echo before sending the next."""
    server, port = await _start(h)
    received = []
    try:
        reader, writer = await _connect(port)
        for line in lines:
            writer.write(line.encode())
            await writer.drain()
            reply = await _readline(reader)
            received.append(reply)
            if reply is None:
                break
        await _close_client(writer)
    finally:
        await _shutdown(server)
    return {"sent": lines, "received": received}


_CONNECTION_KINDS = ("StreamWriter", "transport", "socket")  # most telling first
_WHAT_IS_UNCLOSED = re.compile(r"unclosed[^<]*<[\w.]+")  # "unclosed transport <_SelectorSocketTransport"


def _left_to_the_garbage_collector(caught) -> list[str]:
    """The "unclosed ..." ResourceWarnings about connections among ``caught``, StreamWriter first.

    Details vary by version and run (fds, ports), so only the class is kept:
    "unclosed <StreamWriter transport=<...> reader=<...>>" becomes "unclosed <StreamWriter ...>".
    """
    found = []
    for w in caught:
        text = str(w.message)
        if not (issubclass(w.category, ResourceWarning) and text.startswith("unclosed")):
            continue
        rank = next((i for i, kind in enumerate(_CONNECTION_KINDS) if kind in text), None)
        if rank is not None:
            what = _WHAT_IS_UNCLOSED.match(text)
            found.append((rank, f"{what.group()} ...>" if what else text[:100]))
    return [text for _, text in sorted(found)]


@scenario(clock="real", limit=5.0)
async def close_cleanly(h):
    """A client sends a line and closes its side; then the server is closed.

    A connection the server's code never closes is closed, if ever, by the garbage
    collector when its StreamWriter is freed, with a ResourceWarning "unclosed
    <StreamWriter ...>": on Python 3.13 as soon as the handler returns (the writer's
    last reference goes), on 3.11 and 3.12 at some later collection (a reference cycle
    keeps it). The scenario records those warnings and forces a collection once the
    client is done, so the observation is the same on every version: the client's
    view (end of stream or not) and the connections left to the garbage collector.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        server, port = await _start(h)
        try:
            reader, writer = await _connect(port)
            writer.write(b"bye\n")
            await writer.drain()
            writer.write_eof()
            try:
                data = await asyncio.wait_for(reader.read(), IO_TIMEOUT)  # everything up to EOF
                eof = True
            except (TimeoutError, ConnectionError):
                data, eof = b"", False
            await _close_client(writer)
            await h.sleep(0.05)
            gc.collect()  # finalize any StreamWriter the handler dropped without closing it
            await h.sleep(0)
        finally:
            started = h.now()
            finished = await _shutdown(server)
            close_seconds = round(h.now() - started, 3)
        unclosed = _left_to_the_garbage_collector(caught)
    return {"data": data.decode("utf-8", errors="replace"), "eof": eof, "unclosed": unclosed, "closed": finished,
            "close_seconds": close_seconds}
