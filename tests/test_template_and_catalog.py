"""One source of truth: the student template is generated, the catalog is honoured, copies are equal."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML  # check-jsonschema's YAML reader (YAML 1.2)

from gradekit.template import SHARED_DOCS, differences, exercise_points, readme_with_table
from tests.conftest import ROOT

YAML_ = YAML(typ="safe")
CATALOG = ROOT / "docs" / "exercises.md"
SHARED = ROOT.parent / "shared"
TEMPLATE = ROOT / "student_template"
GITHUB_WORKFLOW = TEMPLATE / ".github" / "workflows" / "grade.yml"
GITLAB_CI = TEMPLATE / ".gitlab-ci.yml"


def test_student_template_is_generated_from_the_exercises(kit):
    assert differences(kit, ROOT / "student_template") == [], "run: python -m gradekit.template"


def test_readme_lists_every_exercise(kit):
    assert readme_with_table(kit) == (ROOT / "README.md").read_text(encoding="utf-8"), "run: python -m gradekit.template"


def test_every_exercise_has_a_statement_and_a_stub(kit):
    for ex_id in kit.exercise_ids():
        assert kit.statement(ex_id).read_text(encoding="utf-8").startswith(f"# {ex_id} — ")
        assert kit.stub(ex_id).is_file()


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


@pytest.mark.parametrize("name", SHARED_DOCS)
def test_the_docs_copy_equals_shared(name):
    """docs/ holds copies of the catalog and the contract kept in shared/ (outside the repository)."""
    copy = ROOT / "docs" / name
    assert copy.is_file(), f"docs/{name} is missing: run python -m gradekit.template"
    if not (SHARED / name).is_file():
        pytest.skip(f"shared/{name} is not beside the repository: the copy is all there is")
    assert copy.read_text(encoding="utf-8") == (SHARED / name).read_text(encoding="utf-8"), \
        "run: python -m gradekit.template"


def test_the_readme_points_at_the_docs_in_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in SHARED_DOCS:
        assert f"docs/{name}" in readme
    assert "shared/" not in readme


def test_every_exercise_is_worth_ten_and_the_public_checks_are_a_part(kit):
    points = exercise_points(kit)
    assert [p.exercise_id for p in points] == kit.exercise_ids()
    for p in points:
        assert p.total == 10 and 0 < p.public < 10, p
    readme = (TEMPLATE / "README.md").read_text(encoding="utf-8")
    public = round(sum(p.public for p in points), 2)
    assert f"the most it shows is {public:g} points" in readme


def _schema_check(schema: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("schema", "path"), [("vendor.github-workflows", GITHUB_WORKFLOW),
                                              ("vendor.gitlab-ci", GITLAB_CI)])
def test_ci_files_pass_their_published_schema(schema, path):
    result = _schema_check(schema, path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("schema", "path", "breaks"), [
    ("vendor.github-workflows", GITHUB_WORKFLOW, lambda doc: doc["jobs"]["grade"].pop("runs-on")),
    ("vendor.gitlab-ci", GITLAB_CI, lambda doc: doc["grade"]["artifacts"]["reports"].update(junit=7)),
])
def test_the_schema_check_catches_a_broken_file(schema, path, breaks, tmp_path):
    """The validation is not vacuous: the same file, broken, fails it."""
    doc = YAML_.load(path.read_text(encoding="utf-8"))
    breaks(doc)
    broken = tmp_path / path.name
    with broken.open("w", encoding="utf-8") as stream:
        YAML_.dump(doc, stream)
    assert _schema_check(schema, broken).returncode == 1


def _contract_formats() -> set[str]:
    contract = (ROOT / "docs" / "grader-contract.md").read_text(encoding="utf-8")
    sentence = contract.split("`FMT` is one of", 1)[1].split(".", 1)[0]
    return set(re.findall(r"`(\w+)`", sentence))


def test_github_workflow_grades_every_push_and_keeps_the_report():
    doc = YAML_.load(GITHUB_WORKFLOW.read_text(encoding="utf-8"))
    triggers = doc["on"]
    assert "push" in triggers
    steps = doc["jobs"]["grade"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert any(r.strip() == "pip install -r requirements.txt" for r in runs)
    grade = next(r for r in runs if "grade.py" in r)
    assert "--format github" in grade and "github" in _contract_formats()
    report = grade.split("--output", 1)[1].split()[0]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()" and upload["with"]["path"] == report


def test_gitlab_ci_grades_and_shows_the_junit_report():
    job = YAML_.load(GITLAB_CI.read_text(encoding="utf-8"))["grade"]
    assert "pip install -r requirements.txt" in job["script"]
    grade = next(line for line in job["script"] if "grade.py" in line)
    assert "--format junit" in grade and "junit" in _contract_formats()
    written = grade.split(">", 1)[1].strip()
    assert job["artifacts"]["reports"]["junit"] == written
    assert job["artifacts"]["when"] == "always"


def test_the_course_grading_workflow_in_the_docs_passes_the_schema(tmp_path):
    """docs/classroom.md's workflow (the course grades pushes with hidden checks) is a valid workflow."""
    text = (ROOT / "docs" / "classroom.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1, "one workflow in docs/classroom.md"
    workflow = tmp_path / "grade-class.yml"
    workflow.write_text(blocks[0], encoding="utf-8")
    result = _schema_check("vendor.github-workflows", workflow)
    assert result.returncode == 0, result.stdout + result.stderr
    doc = YAML_.load(blocks[0])
    commands = " ".join(step.get("run", "") for step in doc["jobs"]["grade"]["steps"])
    assert "python grade.py batch submissions" in commands
    assert "batch" in (ROOT / "docs" / "grader-contract.md").read_text(encoding="utf-8")
