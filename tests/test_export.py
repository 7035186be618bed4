"""``python grade.py export-template OUT``: what a student receives, installed and graded as a student would.

The end-to-end test exports the folder outside the kit, makes a fresh venv with each
Python 3.11, 3.12 and 3.13 found on this machine (as ``.ci/run`` finds them), runs the
install command of the folder's README in it, grades the stubs, then drops in the
kit's reference for one exercise. It needs PyPI (or pip's cache) for the engine's
dependencies and for setuptools, which builds the wheel.
"""

from __future__ import annotations

import html
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from ruamel.yaml import YAML

import gradekit
from gradekit.export import WHEELS, ExportError, export_template, leaks, secret_files
from gradekit.kit import Kit
from gradekit.template import STATIC, expected_files
from tests.conftest import ROOT, reference_source, run_grade

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

MINORS = ("3.11", "3.12", "3.13")
DESCRIBE = ("import os, sys; v = sys.version_info; "
            "print(f'{v[0]}.{v[1]} {v[0]}.{v[1]}.{v[2]}', os.path.realpath(sys.executable))")
SOLVED = "ex03_fetch_all"
STEP_SECONDS = 300


def _candidates() -> list[str]:
    """Python 3.11-3.13 interpreters where ``.ci/run`` looks: pyenv's versions, then PATH."""
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        root = ""
    root = root or os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    found = [str(p) for minor in MINORS for p in sorted(Path(root, "versions").glob(f"{minor}.*/bin/python3"))]
    found += [p for p in (shutil.which(f"python{minor}") for minor in MINORS) if p]
    return found


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def find_interpreters() -> dict[str, str]:
    """Minor version -> the newest patch release's real path (the same installation once)."""
    chosen: dict[str, tuple[str, str]] = {}
    for candidate in [sys.executable, *_candidates()]:
        try:
            info = subprocess.run([candidate, "-c", DESCRIBE], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if info.returncode != 0 or len(info.stdout.split()) != 3:
            continue
        minor, version, real = info.stdout.split()
        if minor in MINORS and (minor not in chosen or _version_key(version) > _version_key(chosen[minor][0])):
            chosen[minor] = (version, real)
    return {minor: real for minor, (_, real) in chosen.items()}


@pytest.fixture(scope="module")
def interpreters() -> dict[str, str]:
    return find_interpreters()


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """The student folder, exported once for the module, outside the kit."""
    out = tmp_path_factory.mktemp("export") / "asyncio-exercises"
    assert not out.resolve().is_relative_to(ROOT)
    result = run_grade("export-template", str(out))
    assert result.code == 0, result.stdout + result.stderr
    assert str(out) in result.stdout
    return out


# -- what the folder holds ------------------------------------------------------------

def test_the_folder_holds_what_a_student_needs(kit, exported):
    for f in expected_files(kit):
        assert (exported / f.path).read_bytes() == f.content, f.path
    for name in STATIC:
        assert (exported / name).exists(), name
    assert (exported / ".github" / "workflows" / "grade.yml").is_file()
    assert (exported / ".gitlab-ci.yml").is_file()
    assert [p.name for p in (exported / WHEELS).iterdir()] == [
        f"asyncio_gradekit-{gradekit.__version__}-py3-none-any.whl"]
    lines = [line for line in (exported / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines == [f"--find-links {WHEELS}", f"asyncio-gradekit=={gradekit.__version__}"]
    assert not list(exported.rglob("__pycache__"))
    assert exported.stat().st_mode & 0o055 == 0o055, "others can read the folder (not mkdtemp's 0700)"


def test_no_reference_variant_or_hidden_grader_reaches_the_folder_or_the_wheel(kit, exported):
    secrets = {p.read_bytes() for p in secret_files(kit)}
    assert len(secrets) > 3 * len(kit.exercise_ids()), "the kit's secret files were found"
    for path in exported.rglob("*"):
        rel = path.relative_to(exported)
        assert not {"graders", "variants", "alternatives", "reference.py"} & set(rel.parts), rel
        if path.is_file():
            assert path.read_bytes() not in secrets, rel
    with zipfile.ZipFile(next((exported / WHEELS).glob("*.whl"))) as wheel:
        names = wheel.namelist()
        assert names and all(n.startswith(("gradekit/", "asyncio_gradekit-")) for n in names), names
        assert not [n for n in names if re.search(r"reference|variants/|alternatives/|graders/", n)]
        assert not [n for n in names if wheel.read(n) in secrets]
    assert leaks(kit, exported) == []


def test_leaks_finds_a_copied_grader_and_a_line_of_a_reference(kit, tmp_path):
    reference = kit.reference(SOLVED).read_text(encoding="utf-8")
    body = next(line for line in reference.splitlines() if "gather" in line)
    (tmp_path / "notes.py").write_text(f"# my notes\n{body}\n", encoding="utf-8")
    grader = next((ROOT / "graders" / SOLVED).glob("test_*.py"))
    (tmp_path / "copied.py").write_bytes(grader.read_bytes())
    with zipfile.ZipFile(tmp_path / "engine.whl", "w") as wheel:
        wheel.writestr("gradekit/variants/x.py", "x = 1\n")
    found = "\n".join(leaks(kit, tmp_path))
    assert "notes.py: holds a line of exercises/ex03_fetch_all/reference.py" in found
    assert f"copied.py: a copy of graders/{SOLVED}/{grader.name}" in found
    assert "engine.whl!gradekit/variants/x.py: named like a secret file" in found


def test_export_refuses_a_folder_that_is_not_empty(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = run_grade("export-template", str(out))
    assert result.code == 1
    assert "not empty" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_export_refuses_a_students_copy(tmp_path, kit):
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "student_template", copy)
    with pytest.raises(ExportError, match="student's copy"):
        export_template(Kit.at(copy), tmp_path / "out")
    assert not (tmp_path / "out").exists()


# -- installed and graded as its README says, with each Python ----------------------------

def _readme_install_commands(folder: Path) -> list[str]:
    readme = (folder / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Install", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.S)
    assert block, "the README's Install section has a bash block"
    commands = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]
    return [c for c in commands if c]


def _readme_feedback_example(folder: Path) -> list[str]:
    readme = (folder / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Reading the feedback", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```text\n(.*?)```", section, flags=re.S)
    assert block, "the README shows an example of feedback"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=STEP_SECONDS,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"{shlex.join(command)} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _venv_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.mark.parametrize("minor", MINORS)
def test_a_student_installs_and_grades_the_folder(minor, interpreters, exported, kit, tmp_path):
    if minor not in interpreters:
        pytest.skip(f"Python {minor} is not installed here (looked like .ci/run does)")
    folder = tmp_path / "asyncio-exercises"
    shutil.copytree(exported, folder)
    venv = folder / ".venv"  # where the README suggests it
    _run([interpreters[minor], "-m", "venv", str(venv)], cwd=folder, env=_venv_env(venv))
    env = _venv_env(venv)

    commands = _readme_install_commands(folder)
    assert len(commands) == 1, commands
    for command in commands:
        argv = shlex.split(command)
        program = shutil.which(argv[0], path=env["PATH"])
        assert program and Path(program).parent == venv / "bin", f"{argv[0]} is the venv's"
        _run([program, *argv[1:]], cwd=folder, env=env)
    python = str(venv / "bin" / "python")
    where = _run([python, "-c", "import gradekit, sys; print(gradekit.__file__, sys.version_info[:2])"],
                 cwd=tmp_path, env=env).stdout
    assert where.startswith(str(venv)) and f"({minor.replace('.', ', ')})" in where, where

    # The stubs: nothing earned, and feedback that says what to do.
    text = _run([python, "grade.py"], cwd=folder, env=env).stdout
    report = json.loads((folder / "grade-report.json").read_text(encoding="utf-8"))
    assert report["environment"]["python"].startswith(minor + ".")
    assert report["public_only"] is True and report["score"] == 0
    assert [e["id"] for e in report["exercises"]] == kit.exercise_ids()
    for exercise in report["exercises"]:
        assert exercise["status"] == "graded" and exercise["score"] == 0, exercise
        assert exercise["tests"] and all(t["visibility"] == "public" for t in exercise["tests"])
        for test in exercise["tests"]:
            assert test["status"] != "passed" and test["feedback"], test
            if exercise["id"] != "ex10_debug_mode":  # ex10's stub is buggy code, not NotImplementedError
                assert "Replace the stub's body" in test["feedback"], test
    flat = " ".join(text.split())
    for line in _readme_feedback_example(folder):
        assert " ".join(line.split()) in flat, f"the README's example is not what grading prints: {line}"

    # The kit's reference for one exercise: that exercise's points go to full.
    (folder / f"{SOLVED}.py").write_text(reference_source(kit, SOLVED), encoding="utf-8")
    graded = _run([python, "grade.py", "grade", "--exercise", SOLVED, "--format", "json", "--output",
                   str(tmp_path / "solved.json")], cwd=folder, env=env)
    solved = json.loads(graded.stdout)
    (exercise,) = solved["exercises"]
    assert exercise["id"] == SOLVED and exercise["max_score"] > 0
    assert exercise["score"] == exercise["max_score"], exercise
    assert all(t["status"] == "passed" for t in exercise["tests"])


def _bash(line: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return _run(["bash", "-euo", "pipefail", "-c", line], cwd=cwd, env=env)


def test_the_ci_files_commands_work_in_the_exported_folder(exported, tmp_path):
    """The commands of grade.yml and .gitlab-ci.yml, run as the CI would (less installing bubblewrap)."""
    folder = tmp_path / "repo"
    shutil.copytree(exported, folder)
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, env=_venv_env(venv))
    env = _venv_env(venv)
    yaml = YAML(typ="safe")

    workflow = yaml.load((folder / ".github" / "workflows" / "grade.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["grade"]["steps"]
    summary = tmp_path / "step-summary.md"
    github_env = {**env, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    printed = "".join(_bash(step["run"], folder, github_env).stdout for step in steps
                      if "run" in step and "sudo " not in step["run"])
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@"))
    report = json.loads((folder / upload["with"]["path"]).read_text(encoding="utf-8"))
    failed = [t for e in report["exercises"] for t in e["tests"] if t["status"] != "passed"]
    assert failed and "::error " in printed, printed[-2000:]
    # The summary escapes Markdown's punctuation and HTML: undo both to read the names.
    shown = html.unescape(re.sub(r"\\(.)", r"\1", summary.read_text(encoding="utf-8")))
    assert f"{report['score']:g}/{report['max_score']:g}" in shown
    assert all(t["name"] in shown for t in failed)

    job = yaml.load((folder / ".gitlab-ci.yml").read_text(encoding="utf-8"))["grade"]
    for line in job["script"]:
        _bash(line, folder, env)
    suites = ElementTree.parse(folder / job["artifacts"]["reports"]["junit"]).getroot()
    cases = suites.findall(".//testcase")
    assert len(cases) == sum(len(e["tests"]) for e in report["exercises"])
    assert len([c for c in cases if c.find("failure") is not None or c.find("error") is not None]) == len(failed)
    for path in job["artifacts"]["paths"]:
        assert (folder / path).is_file(), path


def test_the_repositorys_requirements_install_the_engine_from_the_checkout(tmp_path):
    """In the repository, ``student_template/requirements.txt`` resolves to the kit around it."""
    report = tmp_path / "pip-report.json"
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--quiet", "--report",
                    str(report), "-r", "requirements.txt"], cwd=ROOT / "student_template", env=env,
                   check=True, capture_output=True, timeout=STEP_SECONDS)
    (install,) = json.loads(report.read_text())["install"]
    assert install["metadata"]["name"] == "asyncio-gradekit"
    assert install["metadata"]["version"] == gradekit.__version__
    assert install["download_info"]["url"] == ROOT.as_uri()
