"""Hostile submissions, tampering: the kit, the engine, site-packages, other workspaces, symlinks.

What must hold: nothing outside the sandbox changes (the kit's trees hash the same, the
canaries keep their bytes), so a later grading is not backdoored, and the hostile
exercise earns nothing while the correct module beside it keeps 10/10.

The attacks aim at a private copy of the kit (``kit_copy``), at the real site-packages
only through a canary file made for the test, and at a decoy workspace: never at the
real checkout, whatever the sandbox lets through.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.attacks.support import (
    BAD, GOOD, assert_scores, attack, attack_cleanup, changes, grade, kit_copy, site_canary,  # noqa: F401
    tree_digest,
)
from tests.conftest import reference_source, run_grade

pytestmark = pytest.mark.timeout(180)

REWRITE_CHECKS = '''
    import glob, os, re

    # Every check returns before judging anything, and a conftest makes failures passes.
    for path in (glob.glob(os.path.join(KIT, "graders", "*", "test_*.py"))
                 + glob.glob(os.path.join(KIT, "exercises", "*", "checks", "test_*.py"))):
        try:
            with open(path, encoding="utf-8") as f:
                source = f.read()
            with open(path, "w", encoding="utf-8") as f:
                f.write(re.sub(r"(def test_\\w+\\(run\\):)", r"\\1\\n    return", source))
        except OSError:
            pass
    CONFTEST = (
        "import pytest\\n"
        "@pytest.hookimpl(hookwrapper=True)\\n"
        "def pytest_runtest_makereport(item, call):\\n"
        "    outcome = yield\\n"
        "    outcome.get_result().outcome = 'passed'\\n"
    )
    for folder in [os.path.join(KIT, "graders"), *glob.glob(os.path.join(KIT, "exercises", "*", "checks"))]:
        try:
            with open(os.path.join(folder, "conftest.py"), "w") as f:
                f.write(CONFTEST)
        except OSError:
            pass
'''

SABOTAGE_REFERENCES_AND_SCENARIOS = '''
    import glob, os

    def scribble(pattern, text, mode):
        for path in glob.glob(os.path.join(KIT, pattern)):
            try:
                with open(path, mode, encoding="utf-8") as f:
                    f.write(text)
            except OSError:
                pass

    scribble("exercises/*/reference.py", "raise SystemExit('the reference is gone')\\n", "w")
    scribble("exercises/*/alternatives/*.py", "raise SystemExit('gone')\\n", "w")
    scribble("graders/*/scenarios.py", "\\nimport builtins\\nbuiltins.BACKDOOR = True\\n", "a")
    scribble("exercises/*/checks/scenarios.py", "\\nimport builtins\\nbuiltins.BACKDOOR = True\\n", "a")
    for folder in glob.glob(os.path.join(KIT, "graders", "*")):
        try:
            os.makedirs(os.path.join(folder, "__pycache__"), exist_ok=True)
            with open(os.path.join(folder, "__pycache__", "scenarios.cpython-311.pyc"), "wb") as f:
                f.write(b"not bytecode")
        except OSError:
            pass
'''

BACKDOOR_ENGINE_AND_PACKAGES = '''
    import glob, os, site

    PAYLOAD = "\\nimport os as _os\\n_os.environ['GRADEKIT_BACKDOOR'] = '1'\\n"
    for name in ("gradekit/__init__.py", "gradekit/harness/driver.py", "gradekit/grading/plugin.py",
                 "gradekit/grading/runner.py", "gradekit/sandbox/__init__.py"):
        try:
            with open(os.path.join(KIT, name), "a", encoding="utf-8") as f:
                f.write(PAYLOAD)
        except OSError:
            pass
    try:
        with open(os.path.join(KIT, "gradekit", "sitecustomize.py"), "w") as f:
            f.write(PAYLOAD)
    except OSError:
        pass
    # site-packages, found as a student would; only the test's canary is ever written there.
    folders = set(site.getsitepackages())
    try:
        import aiosqlite
        folders.add(os.path.dirname(os.path.dirname(os.path.realpath(aiosqlite.__file__))))
    except Exception:
        pass
    for folder in folders:
        try:
            with open(os.path.join(folder, CANARY), "w") as f:
                f.write("backdoored")
        except OSError:
            pass
'''


@pytest.mark.parametrize("case", ["rewrite-every-check-to-pass", "sabotage-references-and-scenarios",
                                  "backdoor-the-engine-copy-and-site-packages"])
def test_the_kit_and_its_packages_cannot_be_changed(case, kit_copy, site_canary, submission, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # no caches of the grader's own in the copy
    body = {"rewrite-every-check-to-pass": REWRITE_CHECKS,
            "sabotage-references-and-scenarios": SABOTAGE_REFERENCES_AND_SCENARIOS,
            "backdoor-the-engine-copy-and-site-packages": BACKDOOR_ENGINE_AND_PACKAGES}[case]
    canary, canary_bytes = site_canary
    before = tree_digest(kit_copy.root)
    folder = submission({f"{GOOD}.py": reference_source(kit_copy, GOOD),
                         f"{BAD}.py": attack(body, KIT=str(kit_copy.root), CANARY=canary.name)})
    report = grade(kit_copy, folder, [GOOD, BAD], isolation=True)
    assert changes(before, tree_digest(kit_copy.root)) == []
    assert canary.read_bytes() == canary_bytes, "the site-packages canary was overwritten"
    assert_scores(report, {GOOD: 10, BAD: 0})
    if case == "rewrite-every-check-to-pass":
        # The next grading with this kit (a fresh grade.py) gives a wrong solution nothing.
        later = tmp_path / "later"
        later.mkdir()
        (later / f"{BAD}.py").write_text("async def fetch_all(urls, fetch):\n    return []\n")
        result = run_grade("grade", str(later), "--exercise", BAD, "--format", "json", "--output",
                           str(tmp_path / "later.json"), cwd=kit_copy.root, script=kit_copy.root / "grade.py")
        assert result.code == 0, result.stderr
        assert result.json()["score"] == 0


def test_the_installed_engine_and_packages_are_read_only(kit, submission):
    # Reconnaissance before a backdoor, harmless to run anywhere: it only asks whether it could write.
    # It then behaves as the reference, so 10/10 means: nothing it could write to.
    probe = attack('''
        import os, site, sys

        def writable(folder):
            try:
                read_only = os.statvfs(folder).f_flag & os.ST_RDONLY
            except OSError:
                return False
            return os.access(folder, os.W_OK) and not read_only

        import gradekit
        engine = os.path.dirname(os.path.realpath(gradekit.__file__))
        targets = [engine, os.path.join(engine, "harness"), *site.getsitepackages(), sys.prefix,
                   os.path.dirname(os.__file__)]
        open_doors = [t for t in targets if os.path.isdir(t) and writable(t)]
        if open_doors:
            raise SystemExit(f"could write to {open_doors}")
    ''') + reference_source(kit, BAD)
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": probe})
    report = grade(kit, folder, [GOOD, BAD], isolation=True)
    assert_scores(report, {GOOD: 10, BAD: 10})


def test_another_workspace_cannot_be_changed(kit, submission, attack_cleanup):
    # A decoy of another grading's folder, where a concurrent run would keep its student's module.
    # The attack touches only folders holding the decoy's safety file, never a real concurrent run.
    marker = attack_cleanup.new()
    decoy = attack_cleanup.remove_later(Path(f"/tmp/gradekit-run-{marker}"))
    decoy.mkdir()
    safety = f".hostile-decoy-{marker}"
    (decoy / safety).write_text("decoy\n")
    (decoy / f"{BAD}.py").write_text(reference_source(kit, BAD))
    (decoy / "canary.txt").write_text("another student's work\n")
    before = tree_digest(decoy, parts=(".",))
    sabotage = attack('''
        import glob, os, tempfile

        here = os.path.realpath(os.getcwd())
        for parent in {os.path.dirname(here), "/tmp", tempfile.gettempdir()}:
            for folder in glob.glob(os.path.join(parent, "gradekit-*")):
                if os.path.realpath(folder) == here or not os.path.exists(os.path.join(folder, SAFETY)):
                    continue
                for path in glob.glob(os.path.join(folder, "*.py")):
                    try:
                        with open(path, "w") as f:
                            f.write("async def fetch_all(urls, fetch):\\n    return []\\n")
                    except OSError:
                        pass
                for name in ("canary.txt", "ex01_hello_loop.py"):
                    try:
                        with open(os.path.join(folder, name), "w") as f:
                            f.write("raise SystemExit('sabotaged')\\n")
                    except OSError:
                        pass
    ''', SAFETY=safety)
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD), f"{BAD}.py": sabotage})
    report = grade(kit, folder, [GOOD, BAD], isolation=True)
    assert changes(before, tree_digest(decoy, parts=(".",))) == []
    assert_scores(report, {GOOD: 10, BAD: 0})


def test_a_symlink_to_the_reference_earns_nothing(kit, submission):
    # The submission's module is a symlink to the kit's reference: whoever follows it grades the kit.
    folder = submission({f"{GOOD}.py": reference_source(kit, GOOD)})
    (folder / f"{BAD}.py").symlink_to(kit.reference(BAD))
    report = grade(kit, folder, [GOOD, BAD], isolation=False)
    assert_scores(report, {GOOD: 10, BAD: 0})
