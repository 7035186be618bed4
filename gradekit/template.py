"""Build ``student_template/`` from ``exercises/``: the one source of truth.

``python -m gradekit.template`` rewrites the generated files (and the exercise
table of the kit's README); ``--check`` exits 1 if
the committed template differs from what would be generated (the tests run it).
Hand-written template files (grade.py, the CI workflow, README) are listed in
``STATIC`` and left alone.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from gradekit.kit import Kit

STATIC = ("grade.py", "README.md", "requirements.txt", ".github", ".gitignore")


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


def exercise_table(kit: Kit) -> str:
    rows = ["| exercise | concept |", "| --- | --- |"]
    for ex_id in kit.exercise_ids():
        title = kit.title(ex_id)
        concept = title.split(" — ", 1)[1] if " — " in title else title
        rows.append(f"| `{ex_id}` | {concept} |")
    return "\n".join(rows)


def readme_with_table(kit: Kit) -> str:
    text = (kit.root / "README.md").read_text(encoding="utf-8")
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    return f"{head}{TABLE_START}\n{exercise_table(kit)}\n{TABLE_END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kit", type=Path, default=Path.cwd(), help="the kit's root folder")
    parser.add_argument("--check", action="store_true", help="only report differences")
    args = parser.parse_args(argv)
    kit = Kit.at(args.kit)
    target = kit.root / "student_template"
    if args.check:
        problems = differences(kit, target)
        if readme_with_table(kit) != (kit.root / "README.md").read_text(encoding="utf-8"):
            problems.append("differs: the exercise table in README.md")
        for p in problems:
            print(p)
        print("student_template is up to date" if not problems else "run: python -m gradekit.template")
        return 1 if problems else 0
    build(kit, target)
    (kit.root / "README.md").write_text(readme_with_table(kit), encoding="utf-8")
    print(f"wrote {target} and the exercise table of README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
