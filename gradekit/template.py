"""Build ``student_template/`` from ``exercises/``: the one source of truth.

``python -m gradekit.template`` rewrites everything generated from the kit:

* in ``student_template/``: the stubs, ``tasks/`` (the statements), ``checks/`` (the
  public checks), and the points block of its README (each exercise's points from the
  public checks and from the hidden ones, counted from the graders themselves);
* the exercise table of the kit's README;
* ``docs/exercises.md`` and ``docs/grader-contract.md``, copies of the catalog and the
  contract kept in ``shared/`` beside the repository (only where that folder exists).

``--check`` changes nothing and exits 1 when anything differs (the tests check the same).
Hand-written template files (grade.py, the CI workflows, the README's prose,
requirements.txt, .gitignore) are listed in ``STATIC`` and left alone.
``python grade.py export-template OUT`` (:mod:`gradekit.export`) starts from this folder.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from gradekit.kit import Kit, KitError

STATIC = ("grade.py", "README.md", "requirements.txt", ".github", ".gitlab-ci.yml", ".gitignore")
#: Copies of ``shared/`` (beside the repository) kept in ``docs/``.
SHARED_DOCS = ("exercises.md", "grader-contract.md")


@dataclass(frozen=True)
class TemplateFile:
    path: Path  # relative to student_template/
    content: bytes


def expected_files(kit: Kit) -> list[TemplateFile]:
    files = []
    for ex_id in kit.exercise_ids():
        base = kit.root / "exercises" / ex_id
        files.append(TemplateFile(Path(f"{ex_id}.py"), (base / "stub.py").read_bytes()))
        files.append(TemplateFile(Path("tasks") / f"{ex_id}.md", (base / "README.md").read_bytes()))
        for check in sorted((base / "checks").glob("*.py")):
            files.append(TemplateFile(Path("checks") / ex_id / check.name, check.read_bytes()))
    return files


def _generated_on_disk(target: Path) -> set[Path]:
    found = set()
    for path in target.rglob("*"):
        rel = path.relative_to(target)
        if path.is_file() and rel.parts[0] not in STATIC and "__pycache__" not in rel.parts:
            found.add(rel)
    return found


def differences(kit: Kit, target: Path) -> list[str]:
    expected = {f.path: f.content for f in expected_files(kit)}
    problems = []
    for rel, content in expected.items():
        actual = target / rel
        if not actual.is_file():
            problems.append(f"missing: {rel}")
        elif actual.read_bytes() != content:
            problems.append(f"differs: {rel}")
    problems += [f"not generated (stale?): {rel}" for rel in sorted(_generated_on_disk(target) - set(expected))]
    readme = target / "README.md"
    if not readme.is_file():
        problems.append("missing: README.md")
    elif student_readme(kit, readme) != readme.read_text(encoding="utf-8"):
        problems.append("differs: the points block of README.md")
    return problems


def build(kit: Kit, target: Path) -> None:
    for rel in _generated_on_disk(target):
        (target / rel).unlink()
    for folder in ("checks", "tasks"):
        shutil.rmtree(target / folder, ignore_errors=True)
    for f in expected_files(kit):
        (target / f.path).parent.mkdir(parents=True, exist_ok=True)
        (target / f.path).write_bytes(f.content)


TABLE_START, TABLE_END = "<!-- exercises:start -->", "<!-- exercises:end -->"
POINTS_START, POINTS_END = "<!-- points:start -->", "<!-- points:end -->"


def _replace_block(text: str, start: str, end: str, body: str, where: str) -> str:
    if start not in text or end not in text:
        raise KitError(f"{where} lacks the markers {start} and {end} around its generated part: put them back")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"


@dataclass(frozen=True)
class ExercisePoints:
    exercise_id: str
    public: float
    hidden: float

    @property
    def total(self) -> float:
        return round(self.public + self.hidden, 2)


def exercise_points(kit: Kit) -> list[ExercisePoints]:
    """Each exercise's points from its public and its hidden checks, as the graders declare them."""
    from gradekit.grading.runner import collect_checks  # imports pytest: only when needed

    checks = collect_checks(kit, kit.exercise_ids())
    return [ExercisePoints(ex_id,
                           round(sum(c.points for c in checks if c.exercise_id == ex_id and c.visibility == "public"), 2),
                           round(sum(c.points for c in checks if c.exercise_id == ex_id and c.visibility != "public"), 2))
            for ex_id in kit.exercise_ids()]


def points_block(points: list[ExercisePoints]) -> str:
    """The student README's part that says how points work, every number counted from the checks."""
    public = round(sum(p.public for p in points), 2)
    total = round(sum(p.total for p in points), 2)
    worth = {p.total for p in points}
    each = (f"Each of the {len(points)} exercises is worth {worth.pop():g} points" if len(worth) == 1
            else f"The {len(points)} exercises are worth the points below")
    rows = ["| exercise | public checks (here) | hidden checks (the course's) | worth |",
            "| --- | ---: | ---: | ---: |"]
    rows += [f"| `{p.exercise_id}` | {p.public:g} | {p.hidden:g} | {p.total:g} |" for p in points]
    rows.append(f"| **total** | **{public:g}** | **{round(total - public, 2):g}** | **{total:g}** |")
    return "\n".join([
        f"{each}, {total:g} in all. The public checks in `checks/` give {public:g} of them; the",
        f"course's hidden checks give the other {round(total - public, 2):g}. `python grade.py` here runs the public",
        f"checks only, so the most it shows is {public:g} points: a full score here is a good sign, not",
        "yet a full grade.",
        "",
        *rows,
    ])


def student_readme(kit: Kit, path: Path | None = None) -> str:
    """The student README at ``path`` (default: the template's) with its points block counted from the checks."""
    path = path or kit.root / "student_template" / "README.md"
    return _replace_block(path.read_text(encoding="utf-8"), POINTS_START, POINTS_END,
                          points_block(exercise_points(kit)), str(path))


def shared_docs(kit: Kit) -> dict[Path, Path]:
    """``shared/<name>`` -> ``docs/<name>`` for each copy kept in the repository ({} without ``shared/``)."""
    shared = kit.root.parent / "shared"
    return {shared / name: kit.root / "docs" / name for name in SHARED_DOCS if (shared / name).is_file()}


def docs_differences(kit: Kit) -> list[str]:
    return [f"differs from {source}: docs/{copy.name}" for source, copy in shared_docs(kit).items()
            if not copy.is_file() or copy.read_bytes() != source.read_bytes()]


def exercise_table(kit: Kit) -> str:
    rows = ["| exercise | concept |", "| --- | --- |"]
    for ex_id in kit.exercise_ids():
        title = kit.title(ex_id)
        concept = title.split(" — ", 1)[1] if " — " in title else title
        rows.append(f"| `{ex_id}` | {concept} |")
    return "\n".join(rows)


def readme_with_table(kit: Kit) -> str:
    path = kit.root / "README.md"
    return _replace_block(path.read_text(encoding="utf-8"), TABLE_START, TABLE_END, exercise_table(kit), str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kit", type=Path, default=Path.cwd(), help="the kit's root folder")
    parser.add_argument("--check", action="store_true", help="only report differences")
    args = parser.parse_args(argv)
    kit = Kit.at(args.kit)
    target = kit.root / "student_template"
    if args.check:
        problems = differences(kit, target) + docs_differences(kit)
        if readme_with_table(kit) != (kit.root / "README.md").read_text(encoding="utf-8"):
            problems.append("differs: the exercise table in README.md")
        for p in problems:
            print(p)
        print("student_template is up to date" if not problems else "run: python -m gradekit.template")
        return 1 if problems else 0
    build(kit, target)
    (target / "README.md").write_text(student_readme(kit), encoding="utf-8")
    (kit.root / "README.md").write_text(readme_with_table(kit), encoding="utf-8")
    for source, copy in shared_docs(kit).items():
        shutil.copyfile(source, copy)
    print(f"wrote {target}, the exercise table of README.md and the copies in docs/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
