"""The kit proves itself: references score full marks, variants lose exactly what they name.

A variant file declares the checks it must fail (test function names)::

    EXPECTED_TO_FAIL = ["test_elapsed_is_the_slowest_fetch"]

It is read with :mod:`ast`, never imported: variants are student-like code.

The stub must fail every check, and so must the trivial submissions generated from
it (:mod:`gradekit.trivial`: every body replaced by ``return None``, an empty value,
``pass``, ``raise`` or returning the first argument): no points for doing nothing.
"""

from __future__ import annotations

import ast
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from gradekit.grading.runner import grade_workspace
from gradekit.kit import EXERCISE_POINTS, Kit, KitError
from gradekit.sandbox import Workspace
from gradekit.trivial import TrivialSubmission, trivial_submissions
from gradekit.workers import worker_pool


@dataclass
class Proof:
    exercise_id: str
    subject: str  # "reference", "alternatives/<file>", "variants/<file>", "stub.py" or "trivial/<kind>.py"
    expected_failures: frozenset[str]
    failed: frozenset[str]
    score: float
    max_score: float
    problems: list[str] = field(default_factory=list)
    feedback: dict[str, str] = field(default_factory=dict)  # failed check id -> what the student would read

    @property
    def ok(self) -> bool:
        return not self.problems


def expected_failures(variant: Path) -> frozenset[str]:
    tree = ast.parse(variant.read_text(encoding="utf-8"), filename=str(variant))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXPECTED_TO_FAIL" for t in node.targets):
            return frozenset(ast.literal_eval(node.value))
    raise KitError(f"{variant} does not declare EXPECTED_TO_FAIL = [...]")


def prove(kit: Kit, exercise_id: str, subject: Path, expected: frozenset[str], name: str | None = None,
          isolation: str = "auto") -> Proof:
    workspace = Workspace.from_file(subject, exercise_id)
    try:
        report = grade_workspace(kit, workspace, [exercise_id], label=str(subject), isolation=isolation)
    finally:
        workspace.cleanup()
    exercise = report.exercises[0]
    failed = frozenset(t.id for t in exercise.failed)
    fails_all = expected in (STUB_FAILS_ALL, TRIVIAL_FAILS_ALL)
    if fails_all:
        expected = frozenset(t.id for t in exercise.tests)
    name = name or _subject_name(kit, exercise_id, subject)
    feedback = {t.id: f"{t.feedback} {t.detail[-1500:]}".strip() for t in exercise.failed}
    proof = Proof(exercise_id, name, expected, failed, exercise.score, exercise.max_score, feedback=feedback)
    known = {t.id for t in exercise.tests}
    if unknown := expected - known:
        proof.problems.append(f"names checks that do not exist: {sorted(unknown)}")
    if fails_all and (earned := [t for t in exercise.tests if t.id not in failed or t.score > 0]):
        what = "a submission that does nothing" if name.startswith("trivial/") else "the untouched stub"
        proof.problems.append(f"awarded points to {what}: "
                              + ", ".join(f"{t.id} ({t.score:g} of {t.max_score:g})" for t in earned))
    elif missed := expected - failed:
        proof.problems.append(f"should fail but passed: {sorted(missed)}")
    if extra := failed - expected:
        details = "; ".join(f"{check}: {feedback[check]}" for check in sorted(extra))
        proof.problems.append(f"failed unexpectedly: {details}")
    if not expected and exercise.score != exercise.max_score:
        proof.problems.append(f"a correct solution scored {exercise.score:g}/{exercise.max_score:g}")
    if name == "reference" and exercise.max_score != EXERCISE_POINTS:
        proof.problems.append(f"the checks add up to {exercise.max_score:g} points, not {EXERCISE_POINTS:g}")
    return proof


def _subject_name(kit: Kit, exercise_id: str, subject: Path) -> str:
    if subject == kit.reference(exercise_id):
        return "reference"
    if subject == kit.stub(exercise_id):
        return "stub.py"
    return f"{subject.parent.name}/{subject.name}"


STUB_FAILS_ALL = frozenset({"*"})  # the stub must fail every check
TRIVIAL_FAILS_ALL = frozenset({"*trivial"})  # so must each submission generated from it that does nothing


def prove_trivial(kit: Kit, exercise_id: str, trivial: TrivialSubmission, isolation: str = "auto") -> Proof:
    """Grade one generated trivial submission: it must fail every check (score 0)."""
    folder = Path(tempfile.mkdtemp(prefix="gradekit-trivial-"))
    try:
        path = folder / f"{exercise_id}.py"
        path.write_text(trivial.source, encoding="utf-8")
        return prove(kit, exercise_id, path, TRIVIAL_FAILS_ALL, name=trivial.name, isolation=isolation)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


Subject = Path | TrivialSubmission


def _subjects(kit: Kit, exercise_id: str) -> list[tuple[str, Subject, frozenset[str]]]:
    reference = kit.reference(exercise_id)
    subjects: list[tuple[str, Subject, frozenset[str]]] = [(exercise_id, reference, frozenset())] \
        if reference.is_file() else []
    subjects += [(exercise_id, a, frozenset()) for a in kit.alternatives(exercise_id)]
    subjects += [(exercise_id, v, expected_failures(v)) for v in kit.variants(exercise_id)]
    stub = kit.stub(exercise_id)
    if stub.is_file():
        subjects.append((exercise_id, stub, STUB_FAILS_ALL))
        subjects += [(exercise_id, t, TRIVIAL_FAILS_ALL)
                     for t in trivial_submissions(stub.read_text(encoding="utf-8"), filename=f"{exercise_id}/stub.py")]
    return subjects


def _prove_args(args: tuple) -> Proof:
    root, exercise_id, subject, expected, isolation = args
    if isinstance(subject, TrivialSubmission):
        return prove_trivial(Kit.at(root), exercise_id, subject, isolation=isolation)
    return prove(Kit.at(root), exercise_id, subject, expected, isolation=isolation)


def prove_all(kit: Kit, exercise_ids: list[str], jobs: int = 1, isolation: str = "auto") -> list[Proof]:
    """Every subject of ``exercise_ids`` graded (``isolation``: auto, namespaces or process)."""
    work = [(kit.root, ex, path, expected, isolation)
            for ex in exercise_ids for ex, path, expected in _subjects(kit, ex)]
    if jobs <= 1:
        return [_prove_args(w) for w in work]
    pool = worker_pool(jobs)
    try:
        return list(pool.map(_prove_args, work))
    finally:  # interrupted (Ctrl-C): drop the proofs not started yet instead of running them all
        pool.shutdown(cancel_futures=True)


def coverage_problems(kit: Kit, exercise_id: str, check_ids: set[str]) -> list[str]:
    """An exercise needs a reference, at least four variants, and every check failed by one.

    A check that no known-wrong variant fails is unproven: nothing shows it can fail.
    """
    problems = []
    if not kit.reference(exercise_id).is_file():
        problems.append(f"{exercise_id}: no reference.py")
    variants = kit.variants(exercise_id)
    if len(variants) < 4:
        problems.append(f"{exercise_id}: only {len(variants)} known-wrong variants (at least 4)")
    caught = set().union(*(expected_failures(v) for v in variants)) if variants else set()
    if unproven := sorted(check_ids - caught):
        problems.append(f"{exercise_id}: no variant fails {', '.join(unproven)} (unproven checks)")
    return problems
