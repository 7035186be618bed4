"""A progress hook's calls, carried from grading worker processes to the grading process.

A submission's exercises may be graded in forked workers (:mod:`gradekit.workers`),
whose pytest runs call the :class:`~gradekit.progress.ProgressHook` over there. The
relay gives each part of the work its own pipe, made *before* the pool forks so every
worker inherits it; the part's calls are pickled onto that pipe (a pipe has one writer,
so messages never interleave, and no lock is shared between processes), and the grading
process hands them to the real hook in its own thread, in order, while it waits for the
parts to finish. Nothing is global: the pipes belong to one relay, the relay to one
grading. ::

    relay = ProgressRelay(hook, parts=2)          # before the pool exists
    parts = [Part(..., relay=relay.end(i)) for i in range(2)]
    with worker_pool(2) as pool:
        futures = [pool.submit(grade_part, p) for p in parts]
        relay.deliver(futures)                    # returns once every part is done
    relay.close()

    # in the worker
    with part.relay.open() as hook: ...           # a ProgressHook that sends
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gradekit.progress import ProgressHook
    from gradekit.report.model import CheckResult

#: The hook's methods a worker may call; anything else on a pipe is a bug, not a call.
METHODS = frozenset({"checks_found", "check_started", "check_done"})
#: The last message of a part: nothing more will come down its pipe.
END = "end"
#: How often the grading process looks whether a worker died (its part then sends no END).
WAKE_S = 0.2


@dataclass(frozen=True)
class RelayEnd:
    """A part's end of its pipe. Picklable (a descriptor number the worker inherited at fork)."""

    fd: int

    @contextlib.contextmanager
    def open(self) -> Iterator[ProgressHook]:
        """A hook that sends each call down the pipe, for the duration of one part."""
        # A duplicate: closing it leaves the inherited descriptor, which other objects copied
        # by the fork may still name, alone.
        conn = Connection(os.dup(self.fd), readable=False)
        try:
            yield _Sender(conn)
        finally:
            with contextlib.suppress(OSError):  # no one reads any more: the grading is over anyway
                conn.send((END, ()))
            conn.close()


class _Sender:
    """The worker's side: each hook call becomes one message."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def checks_found(self, exercise_id: str, count: int) -> None:
        self._conn.send(("checks_found", (exercise_id, count)))

    def check_started(self, exercise_id: str, name: str) -> None:
        self._conn.send(("check_started", (exercise_id, name)))

    def check_done(self, exercise_id: str, result: CheckResult) -> None:
        self._conn.send(("check_done", (exercise_id, result)))


class ProgressRelay:
    """One pipe per part, read by the grading process and delivered to ``hook``."""

    def __init__(self, hook: ProgressHook, parts: int) -> None:
        self._hook = hook
        self._pipes = [multiprocessing.Pipe(duplex=False) for _ in range(parts)]

    def end(self, index: int) -> RelayEnd:
        """Part ``index``'s end; hand it to the part before the workers are forked."""
        return RelayEnd(self._pipes[index][1].fileno())

    def deliver(self, futures: Sequence[Future]) -> None:
        """Deliver calls as they arrive, until every part has sent its END (or every future is done).

        A part sends END as it finishes, so this returns as soon as the last one has, not
        at the next wake-up. A part whose worker died sends none: once every future is
        done, what is left in the pipes is delivered and the caller reads the failure
        from the futures.
        """
        pending = [reader for reader, _ in self._pipes]
        while pending:
            finished = all(future.done() for future in futures)
            for reader in wait(pending, timeout=0 if finished else WAKE_S):
                if self._drain(reader):
                    pending.remove(reader)
            if finished:
                return

    def _drain(self, reader: Connection) -> bool:
        """Deliver every call waiting in ``reader``; True once its part's END came."""
        while reader.poll():
            method, args = reader.recv()
            if method == END:
                return True
            if method not in METHODS:
                raise ValueError(f"a grading worker sent {method!r}, which is no progress call")
            getattr(self._hook, method)(*args)
        return False

    def close(self) -> None:
        for reader, writer in self._pipes:
            reader.close()
            writer.close()
