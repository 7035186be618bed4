"""The student's loop thread as ``/proc`` shows it, read from outside the sandbox.

The world looks at that thread hundreds of times a check (:meth:`World.sample`): which
system call it is in, its CPU and run-queue time, its scheduler state. Each file is
opened once, when the kernel names the thread's pid, and re-read with ``pread``: the
kernel regenerates a ``/proc`` file's text at offset 0, and a read costs a fifth of an
open, read and close. An open file also stays the thread's own: once the thread has
exited, reads fail (``ESRCH``) where opening by pid again could reach another process
that took the pid over.
"""

from __future__ import annotations

import contextlib
import os

#: Enough for any of the files read here (``stat`` is the longest, a few hundred bytes).
_READ = 4096


def _open(path: str) -> int | None:
    try:
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None


def _read(fd: int | None) -> bytes | None:
    if fd is None:
        return None
    try:
        return os.pread(fd, _READ, 0)
    except OSError:
        return None


def _state(stat: bytes | None) -> bytes:
    """The scheduler state in a ``stat`` line: b"R", b"S", b"D"…; b"" when unknown.

    "pid (comm) S ...": the state follows the last ")" (comm may hold spaces and parentheses).
    """
    if not stat:
        return b""
    end = stat.rfind(b")")
    return stat[end + 2:end + 3]


def _schedstat(text: bytes | None) -> tuple[float, float] | None:
    try:
        cpu, waited = text.split()[:2]
        return int(cpu) / 1e9, int(waited) / 1e9
    except (AttributeError, ValueError):
        return None


class LoopThread:
    """The main thread of one process (the student's, in a check), read through ``/proc``.

    Every reader answers None (or b"", or False) where the kernel does not say: no pid
    yet, not Linux, the thread gone.
    """

    def __init__(self, pid: int | None = None) -> None:
        self.pid = pid
        base = f"/proc/{pid}/task/{pid}" if pid is not None else None
        self._fds = {name: _open(f"{base}/{name}") if base else None for name in ("syscall", "schedstat", "stat")}

    def syscall(self) -> tuple[int, tuple[int, ...]] | None:
        """(system call number, its first six arguments) the thread is in; (-1, ()) when it runs."""
        text = _read(self._fds["syscall"])
        if text is None:
            return None
        fields = text.split()
        if not fields or fields[0] == b"running":
            return -1, ()
        try:
            return int(fields[0]), tuple(int(field, 16) for field in fields[1:7])
        except ValueError:
            return -1, ()

    def schedstat(self) -> tuple[float, float] | None:
        """(CPU seconds, seconds waiting for a core) of the thread."""
        return _schedstat(_read(self._fds["schedstat"]))

    def state(self) -> bytes:
        """The thread's scheduler state: b"R", b"S", b"D"…; b"" when unknown."""
        return _state(_read(self._fds["stat"]))

    def sleeping(self) -> bool:
        """Whether the thread is asleep (state S or D), not running or runnable."""
        return self.state() in (b"S", b"D")

    def other_threads(self) -> tuple[bool, float] | None:
        """(whether a thread of the process other than this one is runnable, their CPU seconds
        in all). Read only in a lock wait, so opened each time: threads come and go."""
        if self.pid is None:
            return None
        try:
            tids = [tid for tid in os.listdir(f"/proc/{self.pid}/task") if tid != str(self.pid)]
        except OSError:
            return None
        runnable, cpu = False, 0.0
        for tid in tids:
            base = f"/proc/{self.pid}/task/{tid}"
            sched = _schedstat(_read_once(f"{base}/schedstat"))
            if sched is None:
                continue  # the thread ended
            cpu += sched[0]
            runnable = runnable or _state(_read_once(f"{base}/stat")) == b"R"
        return runnable, cpu

    def close(self) -> None:
        for name, fd in self._fds.items():
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._fds[name] = None


def _read_once(path: str) -> bytes | None:
    fd = _open(path)
    try:
        return _read(fd)
    finally:
        if fd is not None:
            os.close(fd)


class OwnRunQueue:
    """Seconds the thread that made this object has waited for a core (``/proc/thread-self``).

    Read only from that thread: the file names the thread that opened it.
    """

    def __init__(self) -> None:
        self._fd: int | None = None
        self._opened = False

    def seconds(self) -> float | None:
        if not self._opened:
            self._fd, self._opened = _open("/proc/thread-self/schedstat"), True
        sched = _schedstat(_read(self._fd))
        return sched[1] if sched is not None else None

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd = None
