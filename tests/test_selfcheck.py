"""The proof: every reference scores 10/10, every variant loses exactly what it names."""

from __future__ import annotations

import pytest

from gradekit.grading.runner import collect_checks
from gradekit.kit import Kit
from gradekit.selfcheck import coverage_problems, expected_failures, prove_all
from tests.conftest import ROOT

EXERCISES = Kit.at(ROOT).exercise_ids()


@pytest.mark.slow
@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_graders_are_proven(kit, exercise_id):
    check_ids = {c.id for c in collect_checks(kit, [exercise_id])}
    assert coverage_problems(kit, exercise_id, check_ids) == []
    proofs = prove_all(kit, [exercise_id])
    assert [p for p in proofs if not p.ok] == []
    assert proofs[0].subject == "reference" and proofs[0].score == 10
    assert proofs[-1].subject == "stub.py" and proofs[-1].score == 0


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_variant_names_a_real_mistake(kit, exercise_id):
    for variant in kit.variants(exercise_id):
        assert expected_failures(variant), f"{variant.name} expects to fail nothing: it is not a known-wrong variant"
