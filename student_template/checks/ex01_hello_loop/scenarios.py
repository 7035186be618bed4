"""Scenarios for the public checks of ex01 (run in the sandbox)."""

import contextlib
import io

from gradekit.harness import scenario


class _TimedWriter(io.TextIOBase):
    """Passes text through to the real stdout and notes when each piece was written."""

    def __init__(self, h, target):
        self._h = h
        self._target = target
        self.writes = []

    def writable(self):
        return True

    def write(self, text):
        self.writes.append((self._h.elapsed(), str(text)))
        return self._target.write(text)

    def flush(self):
        self._target.flush()


@scenario
async def hello_timed(h, delay: float):
    import sys

    writer = _TimedWriter(h, sys.stdout)
    with contextlib.redirect_stdout(writer):
        await h.student.hello_world(delay)
    printed = [at for at, text in writer.writes if text.strip()]
    return {
        "elapsed": h.elapsed(),
        "first_print_at": printed[0] if printed else None,
        "last_print_at": printed[-1] if printed else None,
    }
