"""``python grade.py batch DIR``: grade a class, one process per submission, several at once.

:func:`run_batch` lists the students of ``DIR`` (:mod:`gradekit.batch.intake`), keeps
those of its shard (:mod:`gradekit.batch.shard`), and for each one in name order:

1. takes the submission into a workspace (unpacking a zip safely), or records why it
   cannot be graded (``empty``, ``rejected``, ``unreadable``, ``duplicate``);
2. keeps the earlier run's result when the files graded, the kit and the settings are
   all unchanged (unless ``force``): resuming costs one digest per student;
3. otherwise grades it in a process of its own (:mod:`gradekit.batch.child`), stopped
   after ``timeout`` seconds; a crash or an overrun is that submission's status
   (``error``, ``timeout``) and the batch goes on.

The manifest is rewritten after every submission, so a batch that is interrupted (a
Ctrl-C, a cluster job's time limit) resumes where it stopped. At the end the
gradebook and the dashboard are written (:mod:`gradekit.batch.output`).

How many gradings run at once: a grading spends most of its wall time waiting, not
computing: on the world's clock for the real-time scenarios (a database locked for
0.5 s, a server's clients), and in round trips between the world and the sandbox. So
``jobs`` is the number of CPUs the batch keeps busy, and ``at_once`` (default
:data:`PER_JOB` per job) the number of gradings in flight, each graded by one process
(splitting one submission's exercises over processes would repeat the graders'
collection and the sandbox's start in each). ``benchmarks/batch.py`` measures both.

Full isolation is required unless ``allow_weak_isolation``: then each report's
``warnings`` says how it was graded.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

from gradekit import __version__
from gradekit.batch.child import GradingJob, Running, receive, start, stop
from gradekit.batch.digest import kit_digest, submission_digest
from gradekit.batch.intake import Entry, Refused, find_submissions, take
from gradekit.batch.manifest import BatchError, Manifest, Record, read_report, report_path
from gradekit.batch.output import Finished, finish, prepare
from gradekit.batch.progress import BatchProgress, batch_progress
from gradekit.batch.shard import Shard
from gradekit.batch.unzip import ZipCaps
from gradekit.grading.runner import GraderError, collect_checks
from gradekit.kit import Kit
from gradekit.report.files import write_atomic
from gradekit.sandbox import IsolationUnavailable, NamespaceSandbox, SandboxStartError, namespaces_unavailable

__all__ = ["DEFAULT_TIMEOUT_S", "PER_JOB", "BatchOptions", "BatchResult", "run_batch"]

#: Gradings in flight per CPU (``--jobs``): see the module's docstring and benchmarks/batch.py.
PER_JOB = 4
#: The longest one submission's grading may take (a full one takes seconds; every check
#: of a hostile one can run to its own limit first).
DEFAULT_TIMEOUT_S = 600.0
#: How often the loop wakes to redraw the progress bar and look at deadlines.
TICK_S = 0.5


@dataclass(frozen=True)
class BatchOptions:
    """What ``batch`` was asked to do (the command line's options)."""

    source: Path
    output: Path
    jobs: int | None = None  # CPUs to keep busy; None: all of them
    at_once: int | None = None  # gradings in flight; None: PER_JOB per job
    shard: Shard | None = None
    force: bool = False
    allow_weak_isolation: bool = False
    exercises: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT_S
    caps: ZipCaps = field(default_factory=ZipCaps)

    @property
    def in_flight(self) -> int:
        if self.at_once is not None:
            return max(1, self.at_once)
        return max(1, (self.jobs or os.cpu_count() or 1) * PER_JOB)


@dataclass
class BatchResult:
    manifest: Manifest
    finished: Finished
    graded: int  # graded by this run
    kept: int  # kept from an earlier run, unchanged


def run_batch(kit: Kit, options: BatchOptions, stream=None) -> BatchResult:
    """Grade every submission of ``options.source`` into ``options.output``; progress goes to ``stream`` (stderr).

    Raises :class:`BatchError` (bad folders), ``KitError`` (an unknown exercise) and
    :class:`IsolationUnavailable` before grading anything.
    """
    if not options.source.is_dir():
        raise BatchError(f"{options.source} is not a folder: give the folder that holds one folder or .zip per student")
    exercise_ids = kit.select(list(options.exercises))
    if not options.allow_weak_isolation:
        require_full_isolation()
    prepare(options.output)
    manifest = Manifest(__version__, kit_digest(kit), exercise_ids,
                        "weak" if options.allow_weak_isolation else "required",
                        str(options.shard) if options.shard else None)
    previous = Manifest.load(options.output)
    reusable = previous if previous is not None and previous.same_grading(manifest) and not options.force else None
    try:
        entries = find_submissions(options.source)
    except OSError as exc:
        raise BatchError(f"{options.source} cannot be listed ({exc.strerror or exc})") from exc
    entries = [e for e in entries if options.shard is None or options.shard.holds(e.key)]
    scratch = Path(tempfile.mkdtemp(prefix="gradekit-batch-"))
    try:
        with batch_progress(len(entries), options.in_flight, stream) as progress:
            batch = _Batch(kit, options, manifest, reusable, progress, scratch)
            batch.run(entries)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return BatchResult(manifest, finish(options.output, manifest), batch.graded, batch.kept)


def require_full_isolation() -> None:
    """Start and stop one namespace sandbox, or raise :class:`IsolationUnavailable` saying what to do."""
    reason = namespaces_unavailable()
    if not reason:
        sandbox = NamespaceSandbox()
        try:
            sandbox.start()
            return
        except SandboxStartError as exc:
            reason = str(exc)
        finally:
            sandbox.close()
    raise IsolationUnavailable(
        f"batch grades a class only with full isolation (Linux namespaces through bubblewrap), and it is not "
        f"available here: {reason}. On Linux, install bubblewrap (apt-get install bubblewrap) and allow "
        "unprivileged user namespaces; or pass --allow-weak-isolation to grade with process isolation only "
        "(every report then says so in its warnings).")


@dataclass
class _Grading:
    entry: Entry
    digest: str
    running: Running


class _Batch:
    """One run's loop: starts gradings up to the limit, collects them as they end, records each."""

    def __init__(self, kit: Kit, options: BatchOptions, manifest: Manifest, reusable: Manifest | None,
                 progress: BatchProgress, scratch: Path) -> None:
        self.kit = kit
        self.options = options
        self.manifest = manifest
        self.reusable = reusable
        self.progress = progress
        self.scratch = scratch
        self.known = kit.exercise_ids()
        self.running: list[_Grading] = []
        self.graded = 0
        self.kept = 0
        self.carried: dict[str, Record] = {}

    def run(self, entries: list[Entry]) -> None:
        # Until a student's turn comes, their earlier result stays in the manifest: an
        # interrupted re-run loses nothing it had.
        if self.reusable is not None:
            self.carried = {e.student: self.reusable.submissions[e.student] for e in entries
                            if e.student in self.reusable.submissions}
        pending = deque(entries)
        self._warm_up()
        # Every grading is a fork of this process. Frozen, the objects it holds now are
        # never scanned by a grading's garbage collector: pytest collects five times as
        # its session ends, which otherwise walks (and copies, page by page) the whole
        # inherited heap. As the gc module's documentation advises for fork without exec;
        # on a full submission it saved 0.1-0.3 s of the trusted side's ~1.3 s of CPU.
        gc.freeze()
        try:
            while pending or self.running:
                while pending and len(self.running) < self.options.in_flight:
                    self._begin(pending.popleft())
                if self.running:
                    self._collect()
        finally:
            for grading in self.running:  # interrupted: stop what runs, keep what is done
                stop(grading.running)
                grading.running.job.workspace.cleanup()
            self.running.clear()
            self._checkpoint()
            gc.unfreeze()

    def _warm_up(self) -> None:
        """Import the graders here, once, so that every grading (a fork) finds them imported.

        pytest's importlib mode takes a test module already in ``sys.modules`` as it is,
        so a grading's collection then builds its items without compiling or running 36
        check files again (0.15 s of CPU per submission). Nothing here depends on a
        submission, and a grading's changes to those modules stay in its own process.
        Graders that cannot be collected are left for each grading to report (a failed
        collection keeps nothing imported: :func:`gradekit.grading.runner.run_graders`).
        """
        with contextlib.suppress(GraderError):
            collect_checks(self.kit, self.manifest.exercises)

    def _begin(self, entry: Entry) -> None:
        ids = self.manifest.exercises
        try:
            workspace = take(entry, ids, self.known, self.scratch, self.options.caps)
        except Refused as why:
            self._end(entry, Record(why.status, why.reason, source=entry.source))
            return
        digest = submission_digest(workspace, ids)
        earlier = self.reusable.submissions.get(entry.student) if self.reusable is not None else None
        if earlier is not None and earlier.status == "graded" and earlier.digest == digest \
                and self._report_intact(entry.student):
            workspace.cleanup()
            earlier.source = entry.source
            self.kept += 1
            self._end(entry, earlier, kept=True)
            return
        job = GradingJob(self.kit, workspace, ids, entry.student,
                         require_isolation=not self.options.allow_weak_isolation)
        self.running.append(_Grading(entry, digest, start(job, self.options.timeout)))

    def _report_intact(self, student: str) -> bool:
        try:
            read_report(self.options.output, student)
            return True
        except BatchError:
            return False

    def _collect(self) -> None:
        soonest = min(g.running.deadline for g in self.running)
        handles = [h for g in self.running for h in (g.running.conn, g.running.process.sentinel)]
        ready = set(wait(handles, timeout=max(0.0, min(TICK_S, soonest - time.monotonic()))))
        now = time.monotonic()
        for grading in list(self.running):
            run = grading.running
            if run.conn in ready or run.process.sentinel in ready:
                self._ended(grading, *receive(run))
            elif now >= run.deadline:
                stop(run)
                self._ended(grading, "timeout", f"the grading took longer than {self.options.timeout:g} s "
                                                "and was stopped; the rest of the batch went on")
        self.progress.tick()

    def _ended(self, grading: _Grading, kind: str, payload: str) -> None:
        self.running.remove(grading)
        run = grading.running
        run.conn.close()
        run.job.workspace.cleanup()
        entry = grading.entry
        if kind == "report":
            try:
                write_atomic(self.options.output / report_path(entry.student), payload + "\n")
            except OSError as exc:  # this report only: if the disk is full, the manifest's write says so
                kind, payload = "error", f"the report could not be written ({exc.strerror or exc})"
        if kind == "report":
            record = Record.from_report(entry.student, json.loads(payload), grading.digest, entry.source)
            self.graded += 1
        else:
            record = Record(kind, payload, grading.digest, source=entry.source)
        self._end(entry, record, seconds=time.monotonic() - run.started)

    def _end(self, entry: Entry, record: Record, seconds: float | None = None, kept: bool = False) -> None:
        self.manifest.submissions[entry.student] = record
        self.carried.pop(entry.student, None)
        self.progress.ended(entry.student, record, seconds, kept)
        self._checkpoint()

    def _checkpoint(self) -> None:
        snapshot = Manifest(self.manifest.kit_version, self.manifest.kit_digest, self.manifest.exercises,
                            self.manifest.isolation, self.manifest.shard, {**self.carried, **self.manifest.submissions})
        snapshot.save(self.options.output)
