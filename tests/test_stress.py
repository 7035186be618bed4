"""The stress tool's bookkeeping: which gradings are verdict flips, and the hogs always stop.

Nothing here is timed: the proofs are made up, and the hogs are only started and stopped.
"""

from __future__ import annotations

import pytest

from gradekit import stress
from gradekit.selfcheck import Proof
from gradekit.stress import Hogs, StressResult, find_flips, run_stress


def proof(subject: str, expected: set[str], failed: set[str], exercise: str = "ex09_async_db") -> Proof:
    feedback = {check: f"{check} went wrong: expected this, observed that." for check in failed}
    return Proof(exercise, subject, frozenset(expected), frozenset(failed), 10.0 - len(failed), 10.0,
                 feedback=feedback)


def test_runs_that_match_their_expected_set_are_not_flips():
    runs = [(1, proof("reference", set(), set())), (2, proof("reference", set(), set())),
            (1, proof("variants/sync_sqlite3.py", {"test_responsive"}, {"test_responsive"}))]
    assert find_flips(runs) == []


def test_a_correct_solution_losing_a_check_once_is_a_flip_with_its_feedback():
    runs = [(1, proof("reference", set(), set())), (2, proof("reference", set(), {"test_responsive"})),
            (3, proof("reference", set(), set()))]
    [flip] = find_flips(runs)
    assert (flip.subject, flip.run) == ("reference", 2)
    assert flip.failed_unexpectedly == {"test_responsive": "test_responsive went wrong: expected this, observed that."}
    assert flip.passed_unexpectedly == frozenset()
    assert "FLIP ex09_async_db reference, run 2: failed test_responsive: test_responsive went wrong" in flip.describe()


def test_a_variant_escaping_its_check_or_losing_another_one_is_a_flip():
    expected = {"test_concurrent"}
    runs = [(1, proof("variants/sequential.py", expected, {"test_concurrent"})),
            (2, proof("variants/sequential.py", expected, set())),
            (3, proof("variants/sequential.py", expected, {"test_concurrent", "test_result"}))]
    escaped, extra = find_flips(runs)
    assert (escaped.run, escaped.passed_unexpectedly, escaped.failed_unexpectedly) == (2, {"test_concurrent"}, {})
    assert "passed test_concurrent (it should fail)" in escaped.describe()
    assert (extra.run, set(extra.failed_unexpectedly), extra.passed_unexpectedly) == (3, {"test_result"}, frozenset())


def test_long_feedback_is_shortened_in_the_flip_line():
    flip = find_flips([(1, proof("reference", set(), {"test_x"}))])[0]
    long = stress.Flip(flip.exercise_id, flip.subject, 1, {"test_x": "word " * 1000}, frozenset())
    assert len(long.describe()) < stress.FEEDBACK_EXCERPT + 200 and long.describe().endswith("…")


def test_result_counts_gradings_and_splits_each_flipped_subject_by_outcome():
    result = StressResult(rounds=3, hogs=2)
    for run, failed in enumerate([set(), {"test_responsive"}, set()], start=1):
        result.record(run, [proof("reference", set(), failed), proof("variants/v.py", {"test_a"}, {"test_a"})])
    assert len(result.flips) == 1 and result.gradings == 6
    assert result.subject_lines() == ["ex09_async_db reference: 2× passed everything, 1× failed test_responsive"]
    assert result.summary().startswith("1 flips in 6 gradings (3 round(s), 2 hog(s)")


def test_run_stress_reports_flips_across_rounds(monkeypatch, kit):
    rounds = iter([[proof("reference", set(), set())], [proof("reference", set(), {"test_responsive"})]])
    monkeypatch.setattr(stress, "prove_all", lambda kit, ids, jobs, isolation: next(rounds))
    lines: list[str] = []
    result = run_stress(kit, ["ex09_async_db"], repeat=2, stress=False, echo=lines.append)
    assert [f.run for f in result.flips] == [2]
    assert any(line.startswith("FLIP ex09_async_db reference, run 2") for line in lines)
    assert lines[-1].startswith("1 flips in 2 gradings (2 round(s), no load")


def test_run_stress_refuses_zero_rounds(kit):
    with pytest.raises(ValueError):
        run_stress(kit, [], repeat=0, stress=False)


def test_hogs_are_stopped_when_the_block_ends_even_by_an_exception():
    with pytest.raises(KeyboardInterrupt), Hogs(2) as hogs:
        processes = list(hogs.processes)
        assert len(processes) == 2 and all(p.poll() is None for p in processes)
        raise KeyboardInterrupt
    assert all(p.poll() is not None for p in processes)
    assert hogs.processes == []


def test_no_hogs_without_stress():
    with Hogs(0) as hogs:
        assert hogs.processes == []
