"""Code the checks of ex17 run inside your process, beside your module (students can read it).

The test clients are not here: they are the grader's own sockets (see scenarios.py).
This code only reads what the grader cannot see from outside: the port your server
listens on (``port_of``), and the connections the garbage collector had to close
(``record_warnings`` / ``unclosed_connections``), which your process reports about
itself. The grader calls these functions with ``await h.driver.name(...)``.
"""

import asyncio
import gc
import re
import warnings


def port_of(server) -> int:
    """The port an asyncio.Server listens on; RuntimeError saying what is wrong for anything else."""
    sockets = getattr(server, "sockets", None) if isinstance(server, asyncio.AbstractServer) else None
    if not sockets:
        raise RuntimeError(f"start_echo_server() must return the asyncio.Server that asyncio.start_server "
                           f"created, not {type(server).__name__}")
    return sockets[0].getsockname()[1]


# -- connections left to the garbage collector ------------------------------------------------
_recording: list = []  # [the catch_warnings context, the list it records into]
_CONNECTION_KINDS = ("StreamWriter", "transport", "socket")  # most telling first
_WHAT_IS_UNCLOSED = re.compile(r"unclosed[^<]*<[\w.]+")  # "unclosed transport <_SelectorSocketTransport"


def record_warnings() -> None:
    """Record every ResourceWarning from now on (a connection closed by the garbage collector warns)."""
    if not _recording:
        context = warnings.catch_warnings(record=True)
        _recording[:] = [context, context.__enter__()]
        warnings.simplefilter("always", ResourceWarning)


async def collect_garbage() -> None:
    """Finalize now any StreamWriter a handler dropped without closing it (3.11 and 3.12 keep them in cycles)."""
    gc.collect()
    await asyncio.sleep(0)


def unclosed_connections() -> list:
    """Stop recording; the "unclosed ..." ResourceWarnings about connections, StreamWriter first.

    Details vary by version and run (fds, ports), so only the class is kept:
    "unclosed <StreamWriter transport=<...> reader=<...>>" becomes "unclosed <StreamWriter ...>".
    """
    if not _recording:
        return []
    context, caught = _recording
    _recording.clear()
    context.__exit__(None, None, None)
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
