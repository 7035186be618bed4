"""Grade one submission: build its workspace, run the graders with pytest, collect a report."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from gradekit.grading.plugin import CheckInfo, GradekitPlugin, GradingSession
from gradekit.grading.relay import ProgressRelay, RelayEnd
from gradekit.kit import CheckFile, Kit
from gradekit.report.model import CheckResult, ExerciseResult, Ignored, SubmissionReport
from gradekit.sandbox import Limits, SpawnSandbox, Workspace, choose_sandbox
from gradekit.workers import worker_pool

if TYPE_CHECKING:
    from gradekit.progress import ProgressHook

PYTEST_INI = Path(__file__).with_name("graders.ini")


class GraderError(Exception):
    """The graders themselves could not run (a broken grader file, a pytest usage error)."""


def _pytest_args(kit: Kit, files: list[CheckFile], collect_only: bool) -> list[str]:
    args = [str(f.path) for f in files]
    args += ["-c", str(PYTEST_INI), "--rootdir", str(kit.root), "--import-mode=importlib",
             "--disable-plugin-autoload", "-p", "pytest_timeout",
             "-p", "no:terminal", "-p", "no:cacheprovider",
             # These two look for exceptions that threads of *this* process could not raise
             # (the student's code runs elsewhere), and end every session with five full
             # gc.collect() passes: a tenth of a second per submission graded.
             "-p", "no:unraisableexception", "-p", "no:threadexception"]
    if collect_only:
        args.append("--collect-only")
    return args


def run_graders(kit: Kit, files: list[CheckFile], workspace: Workspace | None, limits: Limits,
                collect_only: bool = False, require_isolation: bool = False,
                isolation: str = "auto", progress: ProgressHook | None = None) -> GradingSession:
    # Collecting runs no check, so it starts no sandbox.
    sandbox = SpawnSandbox(limits) if collect_only else choose_sandbox(limits, require_isolation=require_isolation,
                                                                       isolation=isolation)
    session = GradingSession.for_checks(kit, files, workspace, sandbox, progress)
    if not files:
        sandbox.close()
        return session
    sink = io.StringIO()
    imported = set(sys.modules)
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            code = pytest.main(_pytest_args(kit, files, collect_only), plugins=[GradekitPlugin(session)])
    finally:
        sandbox.close()
    if session.collect_errors:  # pytest says "interrupted" for these too: they are no Ctrl-C
        # pytest leaves a test module that failed to import in sys.modules, empty or half
        # made, and takes it as it is next time: a later session in this process (--watch,
        # a batch's gradings forked from it) would collect fewer checks without a word.
        for name in set(sys.modules) - imported:
            del sys.modules[name]
        raise GraderError("the graders could not run: pytest could not collect "
                          + "; ".join(session.collect_errors)[:2000] + ". Fix the grader files named.")
    if code == pytest.ExitCode.INTERRUPTED:  # pytest caught a Ctrl-C: it is the user's, pass it on
        raise KeyboardInterrupt
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise GraderError(f"the graders could not run (pytest exit {int(code)}):\n{sink.getvalue()[-2000:]}")
    return session


def collect_checks(kit: Kit, exercise_ids: list[str], public_only: bool = False) -> list[CheckInfo]:
    """The checks the graders define, without running anything."""
    session = run_graders(kit, kit.check_files(exercise_ids, public_only), None, Limits(), collect_only=True)
    return session.collected


def _exercise_result(exercise_id: str, session: GradingSession, workspace: Workspace) -> ExerciseResult:
    results = session.results.get(exercise_id, [])
    # A check that never reported (it should not happen) still counts, as failed.
    reported = {r.id for r in results}
    for info in session.collected:
        if info.exercise_id == exercise_id and info.id not in reported:
            results.append(CheckResult(info.id, info.name, 0.0, info.points, "error", info.visibility,
                                       "the check did not run."))
    if exercise_id not in workspace.present:
        why = workspace.rejected.get(exercise_id) or f"{exercise_id}.py was not found in the submission folder."
        return ExerciseResult(exercise_id, "missing", results, why)
    flag = session.flags.get(exercise_id, "")
    if flag:
        return ExerciseResult(exercise_id, "graded", results, flag_reason=flag)
    failure = session.import_failures.get(exercise_id)
    if failure is not None:
        return ExerciseResult(exercise_id, "error", results, failure.reason)
    return ExerciseResult(exercise_id, "graded", results)


def _workers(jobs: int | None, exercises: int) -> int:
    """How many processes grade one submission: ``jobs``, or by default one per core, up to 2.

    Parts run in forked processes, which only Linux makes both cheap and safe here, and
    only while this process has one thread: a fork copies just the calling thread, so a
    lock another thread held stays locked in the child (Python 3.12+ warns of it).
    """
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 1
    wanted = jobs if jobs is not None else min(2, os.cpu_count() or 1)
    return max(1, min(wanted, exercises))


@dataclass(frozen=True)
class _Part:
    """The exercises one worker grades, and how."""

    kit: Kit
    workspace: Workspace
    exercise_ids: list[str]
    public_only: bool
    limits: Limits
    require_isolation: bool
    isolation: str
    #: Where a worker sends its progress (None: no one is listening, or the part runs here).
    relay: RelayEnd | None = None


def _grade_part(part: _Part, progress: ProgressHook | None = None) -> tuple[list[ExerciseResult], str]:
    if part.relay is not None:
        with part.relay.open() as relayed:
            return _grade_part(dataclasses.replace(part, relay=None), relayed)
    files = part.kit.check_files(part.exercise_ids, part.public_only)
    session = run_graders(part.kit, files, part.workspace, part.limits, require_isolation=part.require_isolation,
                          isolation=part.isolation, progress=progress)
    return [_exercise_result(ex_id, session, part.workspace) for ex_id in part.exercise_ids], session.sandbox.isolation


def _grade_in_worker(part: _Part) -> tuple[list[ExerciseResult], str]:
    """``_grade_part`` in a pool's worker, which leaves Ctrl-C to the grading process (``_grade_in_pool``)."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _leave_ctrl_c_to_the_grader)
    # Forked with SIGINT blocked (a Ctrl-C meanwhile waits, then meets the handler above); unblock
    # it, or every sandbox started from here inherits the mask. Exec resets the handler to the default.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    return _grade_part(part)


def _leave_ctrl_c_to_the_grader(signum: int, frame: object) -> None:
    """A worker's SIGINT handler: nothing. The grading process acts on Ctrl-C, by ending its workers."""


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """SIGINT blocked in this thread, so that the workers the pool forks meanwhile are born blocking it.

    Blocked, not ignored: here a Ctrl-C is not lost (another thread, or this one once
    unblocked, takes it), and an idle worker never dies of it with a traceback.
    """
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _grade_in_pool(parts: list[_Part], progress: ProgressHook | None) -> list[tuple[list[ExerciseResult], str]]:
    """Grade each part in a forked worker; ``progress`` hears from them in this thread.

    Ctrl-C reaches every process of the terminal's group, but only this one acts on it: a
    KeyboardInterrupt raised at any point of a worker (in the middle of a fork, holding a
    lock) could leave it stuck. Here it kills the workers (their sandboxes die with them),
    cancels what they had not started, and goes on as KeyboardInterrupt.
    """
    relay = ProgressRelay(progress, len(parts)) if progress is not None else None  # pipes before the fork
    if relay is not None:
        parts = [dataclasses.replace(part, relay=relay.end(i)) for i, part in enumerate(parts)]
    others = set(multiprocessing.active_children())
    try:
        with worker_pool(len(parts)) as pool:
            try:
                with _sigint_blocked():  # the pool forks every worker at its first submit
                    futures = [pool.submit(_grade_in_worker, part) for part in parts]
                if relay is not None:
                    relay.deliver(futures)
                return [future.result() for future in futures]
            except KeyboardInterrupt:
                for worker in set(multiprocessing.active_children()) - others:
                    worker.kill()
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        if relay is not None:
            relay.close()


def grade_workspace(kit: Kit, workspace: Workspace, exercise_ids: list[str], *, label: str,
                    public_only: bool = False, limits: Limits | None = None,
                    require_isolation: bool = False, isolation: str = "auto",
                    jobs: int | None = None, progress: ProgressHook | None = None) -> SubmissionReport:
    """Grade ``exercise_ids`` of ``workspace``, split over ``jobs`` worker processes.

    Each worker has its own sandbox; exercises are dealt out in turn, so the slow
    real-time ones (ex08, ex09, ex17) tend to land in different workers. ``progress``
    is told of every check, in this thread, as the workers go (gradekit/grading/relay.py).
    """
    started = time.monotonic()
    count = _workers(jobs, len(exercise_ids))
    parts = [_Part(kit, workspace, exercise_ids[i::count], public_only, limits or Limits(), require_isolation,
                   isolation) for i in range(count)]
    graded = [_grade_part(parts[0], progress)] if count == 1 else _grade_in_pool(parts, progress)
    by_id = {result.id: result for results, _ in graded for result in results}
    isolations = {name for _, name in graded}
    return SubmissionReport(submission=label, exercises=[by_id[ex_id] for ex_id in exercise_ids],
                            duration_s=time.monotonic() - started,
                            public_only=public_only or not kit.has_hidden,
                            isolation="process" if "process" in isolations else "namespaces",
                            ignored=[Ignored(name, reason) for name, reason in workspace.ignored])


def grade_submission(kit: Kit, submission: Path, *, exercises: list[str] | None = None,
                     public_only: bool = False, limits: Limits | None = None,
                     require_isolation: bool = False, isolation: str = "auto",
                     jobs: int | None = None, progress: ProgressHook | None = None) -> SubmissionReport:
    """Grade the exercise modules found in ``submission``.

    ``progress`` (a :class:`gradekit.progress.ProgressHook`) hears of each check as it
    runs. Raises SubmissionError, KitError, or IsolationUnavailable when
    ``require_isolation`` is true and this machine cannot isolate children with
    namespaces; KeyboardInterrupt when the user pressed Ctrl-C.
    """
    exercise_ids = kit.select(exercises)
    workspace = Workspace.create(submission, exercise_ids, known=kit.exercise_ids())
    try:
        return grade_workspace(kit, workspace, exercise_ids, label=str(submission), public_only=public_only,
                               limits=limits, require_isolation=require_isolation, isolation=isolation, jobs=jobs,
                               progress=progress)
    finally:
        workspace.cleanup()
