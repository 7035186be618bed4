"""The proof: every reference scores 10/10, every variant loses exactly what it names,
the stub and the trivial submissions made from it score 0."""

from __future__ import annotations

import pytest

from gradekit.grading.runner import collect_checks
from gradekit.kit import Kit
from gradekit.selfcheck import coverage_problems, expected_failures, prove_all
from gradekit.trivial import KINDS
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
    by_subject = {p.subject: p for p in proofs}
    assert by_subject["stub.py"].score == 0
    assert [p.subject for p in proofs[-5:]] == [f"trivial/{kind}.py" for kind in KINDS]
    assert all(p.score == 0 for p in proofs[-5:])


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_every_variant_names_a_real_mistake(kit, exercise_id):
    for variant in kit.variants(exercise_id):
        assert expected_failures(variant), f"{variant.name} expects to fail nothing: it is not a known-wrong variant"
