"""Prove the graders again and again on a saturated machine: a busy machine must not change a verdict.

``python grade.py check --repeat 20 --stress`` grades every reference, alternative,
variant, stub and trivial submission 20 times while :class:`Hogs` keep every core busy,
and reports each *flip*: a grading whose set of failed checks is not the set its subject
declares (nothing for a reference or an alternative, ``EXPECTED_TO_FAIL`` for a variant,
every check for a stub or a trivial submission). A correct solution that loses a point only when the machine is
loaded, or a variant that escapes a check now and then, shows up as a flip with the
checks that differed and the feedback the student would have read::

    FLIP ex09_async_db reference, run 3: failed test_loop_responsive_during_batch: the event loop …

    0 flips in 3880 gradings (20 rounds, 2 hogs, 5412 s)

``--repeat N`` alone repeats without the hogs; ``--stress`` alone is one loaded round.
The verdicts come from :func:`gradekit.selfcheck.prove_all`; :func:`find_flips` only
compares them, so it can be tested on made-up proofs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from gradekit.kit import Kit
from gradekit.selfcheck import Proof, prove_all

__all__ = ["Flip", "Hogs", "StressResult", "find_flips", "run_stress"]

#: A hog is ``while True: pass`` that also ends when the tool that started it is gone
#: (even killed with SIGKILL), so a hog can never outlive its run.
HOG_SOURCE = """\
import os
parent = os.getppid()
while os.getppid() == parent:
    for _ in range(1_000_000):
        pass
"""
FEEDBACK_EXCERPT = 600


def core_count() -> int:
    """The cores this process may run on (its CPU affinity, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Hogs:
    """One busy process per core for as long as the ``with`` block lasts.

    They are stopped when the block ends however it ends: normally, by an exception,
    by Ctrl-C, or by SIGTERM (turned into ``SystemExit`` inside the block). ::

        with Hogs():
            proofs = prove_all(kit, ids)   # graded with every core saturated
    """

    def __init__(self, count: int | None = None) -> None:
        self.count = core_count() if count is None else count
        self.processes: list[subprocess.Popen] = []
        self._previous_sigterm = None

    def __enter__(self) -> Hogs:
        if threading.current_thread() is threading.main_thread():
            self._previous_sigterm = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            for _ in range(self.count):
                # A session of their own: Ctrl-C reaches the tool, which stops them in order.
                self.processes.append(subprocess.Popen(
                    [sys.executable, "-c", HOG_SOURCE], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, start_new_session=True))
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def stop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                proc.kill()
        for proc in self.processes:
            proc.wait()
        self.processes.clear()
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)


@dataclass(frozen=True)
class Flip:
    """One grading whose failed checks are not the ones its subject declares."""

    exercise_id: str
    subject: str
    run: int  # 1-based round
    failed_unexpectedly: dict[str, str]  # check id -> its feedback
    passed_unexpectedly: frozenset[str]

    def describe(self) -> str:
        parts = [f"failed {check}: {_excerpt(text)}" for check, text in sorted(self.failed_unexpectedly.items())]
        if self.passed_unexpectedly:
            parts.append(f"passed {', '.join(sorted(self.passed_unexpectedly))} (it should fail)")
        return f"FLIP {self.exercise_id} {self.subject}, run {self.run}: " + "; ".join(parts)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= FEEDBACK_EXCERPT else text[:FEEDBACK_EXCERPT] + " …"


def find_flips(runs: Iterable[tuple[int, Proof]]) -> list[Flip]:
    """The gradings, among ``(run, proof)`` pairs, whose failed set is not the expected set.

    A run that differs from the expected set also differs from every run that matches
    it, so comparing with the expected set finds every disagreement between runs too.
    """
    found = []
    for run, proof in runs:
        if proof.failed == proof.expected_failures:
            continue
        extra = proof.failed - proof.expected_failures
        found.append(Flip(proof.exercise_id, proof.subject, run,
                          {check: proof.feedback.get(check, "") for check in sorted(extra)},
                          frozenset(proof.expected_failures - proof.failed)))
    return found


@dataclass
class StressResult:
    rounds: int
    hogs: int
    gradings: int = 0
    seconds: float = 0.0
    flips: list[Flip] = field(default_factory=list)
    outcomes: dict[tuple[str, str], Counter] = field(default_factory=dict)  # subject -> failed set -> runs

    def record(self, run: int, proofs: list[Proof]) -> list[Flip]:
        self.gradings += len(proofs)
        for proof in proofs:
            self.outcomes.setdefault((proof.exercise_id, proof.subject), Counter())[proof.failed] += 1
        new = find_flips((run, proof) for proof in proofs)
        self.flips += new
        return new

    def subject_lines(self) -> list[str]:
        """One line per subject that flipped: how its runs split between outcomes."""
        lines = []
        flipped = {(f.exercise_id, f.subject) for f in self.flips}
        for key, outcomes in self.outcomes.items():
            if key not in flipped:
                continue
            split = ", ".join(f"{count}× {_outcome(failed)}" for failed, count in outcomes.most_common())
            lines.append(f"{key[0]} {key[1]}: {split}")
        return lines

    def summary(self) -> str:
        load = f"{self.hogs} hog(s)" if self.hogs else "no load"
        return (f"{len(self.flips)} flips in {self.gradings} gradings "
                f"({self.rounds} round(s), {load}, {self.seconds:.0f} s)")


def _outcome(failed: frozenset[str]) -> str:
    return "failed " + ", ".join(sorted(failed)) if failed else "passed everything"


def run_stress(kit: Kit, exercise_ids: list[str], *, repeat: int, stress: bool, jobs: int = 2,
               echo: Callable[[str], None] = print, hogs: int | None = None, isolation: str = "auto") -> StressResult:
    """Prove ``exercise_ids`` ``repeat`` times (with every core saturated if ``stress``); print flips as found."""
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1, not {repeat}")
    result = StressResult(rounds=repeat, hogs=(core_count() if hogs is None else hogs) if stress else 0)
    started = time.monotonic()
    with Hogs(result.hogs):
        for run in range(1, repeat + 1):
            round_started = time.monotonic()
            proofs = prove_all(kit, exercise_ids, jobs=jobs, isolation=isolation)
            for flip in result.record(run, proofs):
                echo(flip.describe())
            result.seconds = time.monotonic() - started
            echo(f"round {run}/{repeat}: {len(proofs)} gradings in {time.monotonic() - round_started:.0f} s; "
                 f"{len(result.flips)} flip(s) so far")
    result.seconds = time.monotonic() - started
    for line in result.subject_lines():
        echo(line)
    echo(result.summary())
    return result
