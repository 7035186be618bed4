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
    are found from ``/proc`` and killed, deepest generations too, until none is left.
    """
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGSTOP)
    for _ in range(10):  # a descendant that forked while being found is caught on the next round
        found = _descendants(pid)
        for child in found:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(child, signal.SIGKILL)
        if not found:
            break
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


def _descendants(root: int) -> list[int]:
    """The processes below ``root``, from the parent pid of every process in ``/proc`` (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (field 2) may hold spaces and parentheses: split after its last ')'.
        fields = stat[stat.rfind(")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, frontier = [], [root]
    while frontier:
        below = [c for p in frontier for c in children.get(p, [])]
        found += below
        frontier = below
    return found
