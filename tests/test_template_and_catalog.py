"""One source of truth: the student template is generated, the catalog is honoured."""

from __future__ import annotations

import re

import pytest

from gradekit.template import differences, readme_with_table
from tests.conftest import ROOT

CATALOG = ROOT.parent / "shared" / "exercises.md"


def test_student_template_is_generated_from_the_exercises(kit):
    assert differences(kit, ROOT / "student_template") == [], "run: python -m gradekit.template"


def test_readme_lists_every_exercise(kit):
    assert readme_with_table(kit) == (ROOT / "README.md").read_text(encoding="utf-8"), "run: python -m gradekit.template"


def test_every_exercise_has_a_statement_and_a_stub(kit):
    for ex_id in kit.exercise_ids():
        assert kit.statement(ex_id).read_text(encoding="utf-8").startswith(f"# {ex_id} — ")
        assert kit.stub(ex_id).is_file()


@pytest.mark.skipif(not CATALOG.is_file(), reason="shared/exercises.md is not beside the repository")
def test_every_catalog_exercise_exists_and_keeps_its_names(kit):
    catalog = CATALOG.read_text(encoding="utf-8")
    catalog_ids = re.findall(r"^### (ex\d\d_\w+)", catalog, flags=re.M)
    assert catalog_ids, "the catalog lists exercises"
    assert sorted(catalog_ids) == kit.exercise_ids()
    for ex_id in catalog_ids:
        section = catalog.split(f"### {ex_id}", 1)[1].split("\n### ", 1)[0]
        names = re.findall(r"`(?:async )?(?:def|class) (\w+)", section)
        stub = kit.stub(ex_id).read_text(encoding="utf-8")
        for name in names:
            assert re.search(rf"^\s*(async def|def|class) {name}\b", stub, flags=re.M), f"{ex_id}: stub lacks {name}"
