"""Bounded capture of a child's pipes, shared by the trusted side and the zygote.

Every stream is drained to the end, so a flood of output cannot block the child,
but only the first ``cap`` bytes are kept.
"""

from __future__ import annotations

import os
import selectors
import time
from collections.abc import Callable

TRUNCATED = b"\n\xe2\x80\xa6 truncated"
#: How long pipes may stay open after the child ended (held by a stray it left behind).
STRAY_GRACE = 1.0


class Capture:
    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.data = bytearray()
        self.truncated = False

    def feed(self, chunk: bytes) -> None:
        room = self.cap - len(self.data)
        if room > 0:
            self.data += chunk[:room]
        if len(chunk) > room:
            self.truncated = True

    def raw(self) -> bytes:
        return bytes(self.data) + (TRUNCATED if self.truncated else b"")

    def text(self) -> str:
        return self.raw().decode("utf-8", errors="replace")


def pump(streams: dict[int, Capture], deadline: float, exited: Callable[[], bool],
         kill: Callable[[], None]) -> bool:
    """Drain ``streams`` until all close; True when ``deadline`` (monotonic) struck first.

    ``kill`` ends the child and everything it started: called at the deadline, and as
    soon as ``exited()`` says the child is gone (anything still holding a pipe is a stray).
    """
    selector = selectors.DefaultSelector()
    for fd in streams:
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ)
    open_fds = set(streams)
    exited_at: float | None = None
    try:
        while open_fds:
            now = time.monotonic()
            if now >= deadline:
                kill()
                return True
            if exited_at is None and exited():
                exited_at = now
                kill()
            if exited_at is not None and now - exited_at > STRAY_GRACE:
                break
            for key, _ in selector.select(timeout=min(0.05, deadline - now)):
                try:
                    chunk = os.read(key.fd, 65536)
                except BlockingIOError:
                    continue
                if chunk:
                    streams[key.fd].feed(chunk)
                else:
                    selector.unregister(key.fd)
                    open_fds.discard(key.fd)
    finally:
        selector.close()
    return False
