"""One submission's grading in its own process, which the batch can always stop.

Whatever a submission does, only its own grading suffers: each is graded in a fresh
process (forked from the batch on Linux, so it starts in milliseconds with the engine
already imported), which sends its report back through a pipe and exits. The batch
reads, from outside, how it ended:

- a report came back: graded;
- the process died without one (killed, out of memory, a crash in the engine): ``error``,
  with the exit status or signal;
- the engine raised (a broken grader, the sandbox refused): ``error``, with the message;
- it overran its time: the batch stops it (``timeout``).

Stopping is total: :func:`kill_tree` freezes the grading process, then kills every
process below it (the sandboxes, and under the process fallback the checks' children,
which live in process groups of their own) before the grading process itself. Each
grading process is also in a process group of its own, so a Ctrl-C at the terminal
reaches only the batch, which then stops every grading the same way; and it dies with
the batch if the batch is killed (``PR_SET_PDEATHSIG``, as :mod:`gradekit.workers`).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from gradekit.grading.runner import grade_workspace
from gradekit.kit import Kit
from gradekit.report.formats import render_json
from gradekit.sandbox.workspace import Workspace
from gradekit.workers import die_with_parent

__all__ = ["GradingJob", "Running", "kill_tree", "receive", "start", "stop"]

#: How long a grading that sent its report may take to exit before it is stopped.
EXIT_GRACE_S = 5.0


@dataclass(frozen=True)
class GradingJob:
    """What one grading process needs: picklable, for platforms that cannot fork."""

    kit: Kit
    workspace: Workspace
    exercise_ids: list[str]
    student: str
    require_isolation: bool  # False: graded under --allow-weak-isolation, and the report says so


@dataclass
class Running:
    """A grading under way: its process, the read end of its pipe, and its deadline (``time.monotonic``)."""

    job: GradingJob
    process: multiprocessing.process.BaseProcess
    conn: Connection
    started: float
    deadline: float


def _context() -> multiprocessing.context.BaseContext:
    # Fork is cheap and safe here only because the batch runs no thread of its own
    # (its progress bar refreshes from the main loop, see gradekit/batch/progress.py).
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def start(job: GradingJob, timeout: float) -> Running:
    """Start grading ``job`` in a new process; it must answer within ``timeout`` seconds."""
    receive, send = _context().Pipe(duplex=False)
    process = _context().Process(target=_grade, args=(send, job, os.getpid()), daemon=False,
                                 name=f"gradekit-batch-{job.student}")
    process.start()
    send.close()  # only the child writes; its end closing tells the batch it is gone
    now = time.monotonic()
    return Running(job, process, receive, now, now + timeout)


def _grade(conn: Connection, job: GradingJob, parent: int) -> None:
    die_with_parent(parent)
    os.setpgid(0, 0)
    try:
        report = grade_workspace(job.kit, job.workspace, job.exercise_ids, label=job.student,
                                 require_isolation=job.require_isolation, jobs=1)
        if not job.require_isolation:
            report.warnings.append(weak_isolation_warning(report.isolation))
        conn.send(("report", render_json(report)))
    except BaseException as exc:  # noqa: BLE001 - whatever happened, the batch hears it and goes on
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:2000]))
    finally:
        conn.close()


def weak_isolation_warning(isolation: str) -> str:
    """What a report graded under ``--allow-weak-isolation`` tells its reader."""
    if isolation == "namespaces":
        return ("graded with --allow-weak-isolation (full isolation was not required); this submission "
                "still ran with full isolation (Linux namespaces)")
    return ("graded with --allow-weak-isolation: student code ran in a process of its own, without Linux "
            "namespaces, so it could read and change what the grading user can (docs/security.md)")


def receive(running: Running) -> tuple[str, str]:
    """What a finished grading sent: ``("report", json)`` or ``("error", message)``.

    Call it once the pipe is readable. A process that died first gives ``("error", how)``.
    """
    try:
        kind, payload = running.conn.recv()
    except (EOFError, OSError, ValueError, TypeError):
        running.process.join(EXIT_GRACE_S)
        return "error", f"the grading process ended without a report ({_how_it_ended(running.process)})"
    running.process.join(EXIT_GRACE_S)
    if running.process.exitcode is None:
        kill_tree(running.process.pid)
        running.process.join()
    if kind == "report":
        with contextlib.suppress(ValueError):
            json.loads(payload)
            return "report", payload
        return "error", "the grading process sent a report that is not JSON"
    return "error", str(payload)


def _how_it_ended(process: multiprocessing.process.BaseProcess) -> str:
    code = process.exitcode
    if code is None:
        return "still running"
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
        return f"killed by signal {-code}"
    return f"exit status {code}"


def stop(running: Running) -> None:
    """Stop a grading and everything it started; then release its pipe."""
    kill_tree(running.process.pid)
    running.process.join()
    running.conn.close()


def kill_tree(pid: int) -> None:
    """SIGKILL ``pid`` and every process descended from it, wherever their process groups are.

    The root is frozen first (SIGSTOP) so it starts nothing new while its descendants
    are found from ``/proc`` and killed, deepest generations too. A stop takes effect
    only when the root next leaves the kernel: a fork it is in the middle of still
    makes its child, which may not be listed yet. So the search starts once the root
    is seen stopped, and goes on until every descendant is dead (a zombie forks no
    more), not merely until one look finds none.
    """
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGSTOP)
    _wait_until_stopped(pid)
    deadline = time.monotonic() + KILL_TREE_S
    while True:
        table = _process_table()
        alive = [p for p in _descendants(pid, table) if table[p][1] not in _DEAD]
        for child in alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(child, signal.SIGKILL)
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.001)  # SIGKILLed, they need a moment to die
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


#: How long :func:`kill_tree` waits for the root to stop, then for its descendants to die.
KILL_TREE_S = 2.0
#: ``/proc/<pid>/stat`` states of a process that can start nothing: stopped, or dead.
_STOPPED = frozenset("TtZX")
_DEAD = frozenset("ZX")


def _wait_until_stopped(pid: int) -> None:
    """Until ``pid`` is stopped or dead (or :data:`KILL_TREE_S` passed: a vfork's parent waits for its child)."""
    deadline = time.monotonic() + KILL_TREE_S
    while _state(pid) not in _STOPPED and time.monotonic() < deadline:
        time.sleep(0.0005)


def _state(pid: int) -> str:
    """The state letter of ``pid`` in ``/proc`` ('X' once it is gone)."""
    try:
        return _after_name(Path(f"/proc/{pid}/stat").read_text())[0]
    except OSError:
        return "X"


def _after_name(stat: str) -> list[str]:
    """The fields of a ``/proc/<pid>/stat`` line after the command name: state, parent pid, …

    The name (field 2) may hold spaces and parentheses: split after its last ')'.
    """
    return stat[stat.rfind(")") + 2:].split()


def _process_table() -> dict[int, tuple[int, str]]:
    """Every process's parent pid and state letter, from ``/proc`` (Linux; empty elsewhere)."""
    table: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, parent = _after_name(stat)[:2]
        table[int(entry.name)] = (int(parent), state)
    return table


def _descendants(root: int, table: dict[int, tuple[int, str]] | None = None) -> list[int]:
    """The processes below ``root`` in ``table`` (by default, a fresh look at ``/proc``)."""
    children: dict[int, list[int]] = {}
    table = _process_table() if table is None else table
    for child, (parent, _) in table.items():
        children.setdefault(parent, []).append(child)
    found, frontier = [], [root]
    while frontier:
        below = [c for p in frontier for c in children.get(p, [])]
        found += below
        frontier = below
    return found
