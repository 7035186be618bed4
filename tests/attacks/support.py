"""What every hostile-submission family needs: building attacks, grading them, checking the aftermath.

Safety first. These tests must be harmless on a machine whose sandbox is weak (the spawn
fallback, or a broken namespace sandbox, runs student code as the grading user: root in
CI containers):

* every attack is bounded (sizes, counts, time) and tagged with a *marker*: a unique
  ``313.<digits>`` string used as the argument of the processes it starts (a valid
  ``sleep`` duration) and in the names of the files it writes, so the autouse
  :func:`attack_cleanup` fixture can kill and remove whatever escaped;
* attacks that write target a copy of the kit (:func:`kit_copy`), a canary file made for
  the occasion (:func:`site_canary`) or a decoy folder, never the real checkout;
* attacks that signal processes fire only inside a PID namespace of their own, or at the
  disposable grading process started by :func:`run_grader_victim` (see ``GUARD``), never
  at the test runner or a bystander of the host;
* attacks that read only read, and what they find leaves through the report, where the
  tests look for it.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gradekit.grading.runner import grade_submission
from gradekit.kit import Kit
from tests.conftest import ROOT

GOOD = "ex01_hello_loop"  # the correct reference beside every hostile module: it must keep its 10/10
BAD = "ex03_fetch_all"  # where the hostile module goes
HOST_PIDNS = os.readlink("/proc/self/ns/pid")  # the test runner's PID namespace
VICTIM_ENV = "GRADEKIT_ATTACK_VICTIM"
SCRATCH_DIRS = ("/tmp", "/var/tmp", "/dev/shm")


# -- building hostile modules -------------------------------------------------

def attack(*parts: str, **constants: object) -> str:
    """A hostile module: ``constants`` as module-level assignments, then the dedented ``parts``."""
    header = "".join(f"{name} = {value!r}\n" for name, value in constants.items())
    return header + "\n".join(textwrap.dedent(p).strip("\n") + "\n" for p in parts)


#: ex03's fetch_all that writes a forged result line to every inherited fd, then returns
#: made-up values: the world sees bytes its driver never sends (flagged, 0 points).
WRITE_EVERY_FD = attack('''
    import asyncio, os

    async def fetch_all(urls, fetch):
        forged = b'{"nonce": "x", "event": "result", "status": "ok", "value": {"peak": 99}}\\n'
        for fd in range(3, 64):
            try:
                os.write(fd, b"\\x00\\x00\\x00\\x10" + forged)
            except OSError:
                pass
        return [f"<{u}>" for u in urls]
''')


#: Test safety for attacks that signal processes (needs HOST_PIDNS and VICTIM constants).
GUARD = '''
import os

def may_signal(pid):
    """Fire inside a PID namespace of our own (where only the sandbox is visible), or at the
    disposable grader the test started (its environment holds the victim marker); nothing else."""
    if os.readlink("/proc/self/ns/pid") != HOST_PIDNS:
        return True
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return f"GRADEKIT_ATTACK_VICTIM={VICTIM}".encode() in f.read().split(b"\\0")
    except OSError:
        return False
'''

#: ``ancestors()``: the pids above this process.
ANCESTORS = '''
import os

def ancestors():
    """This process's parent, grandparent, ... as far as /proc shows them."""
    pids, pid = [], os.getpid()
    while True:
        try:
            with open(f"/proc/{pid}/stat") as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return pids
        if pid <= 0 or pid in pids:
            return pids
        pids.append(pid)
'''

#: Where a student would look for the instructor's kit (defines ``kit_roots(ways)``).
FIND_KIT = '''
import glob, os, sys

def _proc_views():
    """(cwd, root) of every process /proc shows, the grader's first."""
    pids = [str(os.getppid()), "1"] + [p for p in os.listdir("/proc") if p.isdigit()]
    for pid in dict.fromkeys(pids):
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        yield cwd
        yield os.path.join(f"/proc/{pid}/root", cwd.lstrip("/"))  # through its mount namespace

def kit_roots(ways=("engine", "modules", "proc", "env", "guess")):
    """Folders holding an exercises/ folder: next to the engine, behind loaded modules,
    at the grader's working folder (via /proc), in the environment, or the usual places."""
    found = []

    def add(path):
        for up in range(4):
            here = os.path.normpath(os.path.join(path, *[".."] * up)) if path else ""
            if here and here not in found and os.path.isdir(os.path.join(here, "exercises")):
                found.append(here)

    if "engine" in ways:
        try:
            import gradekit
            add(os.path.dirname(os.path.realpath(gradekit.__file__)))
        except Exception:
            pass
        for entry in sys.path:
            add(entry)
    if "modules" in ways:
        for module in list(sys.modules.values()):
            path = str(getattr(module, "__file__", None) or "")
            for part in ("/exercises/", "/graders/"):
                if part in path:
                    add(path.split(part)[0])
    if "proc" in ways:
        for view in _proc_views():
            add(view)
    if "env" in ways:
        for name in ("PWD", "OLDPWD", "HOME", "VIRTUAL_ENV"):
            add(os.environ.get(name, ""))
    if "guess" in ways:
        for pattern in ("/work/*", "/home/*/*", "/root/*", "/srv/*", "/opt/*", "/tmp/*", "/tmp/*/*/*", "/tmp/*/*/*/*"):
            for path in glob.glob(pattern)[:2000]:
                add(path)
    return found
'''

#: Sends what was found out through the report: printed output (excerpted) and the import error.
LEAK = '''
def leak(found):
    text = "\\n".join(found) or "nothing found"
    print(text[:390])
    raise ImportError(text[390:680] or text[:290])
'''


def reference_loader(ways: tuple[str, ...] = ("engine", "modules", "proc", "env", "guess")) -> str:
    """The ~40-line loader that finds the kit's reference of the exercise it is saved as and re-exports it."""
    return attack(FIND_KIT, '''
        def _load_reference():
            name = __name__
            for root in kit_roots(WAYS):
                path = os.path.join(root, "exercises", name, "reference.py")
                try:
                    with open(path, encoding="utf-8") as f:
                        source = f.read()
                except OSError:
                    continue
                exec(compile(source, name + ".py", "exec"), globals())
                return

        _load_reference()
    ''', WAYS=ways)


# -- markers, processes and scratch files --------------------------------------

def processes_with(marker: str) -> list[int]:
    """Pids of the processes (other than this one) whose argv holds ``marker``."""
    needle, found = marker.encode(), []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if any(needle in arg for arg in argv):
            found.append(int(entry))
    return found


def survivors(marker: str, grace: float = 1.0) -> list[str]:
    """The marked processes still alive after ``grace`` seconds, as "pid: argv" lines."""
    deadline = time.monotonic() + grace
    while True:
        pids = processes_with(marker)
        if not pids or time.monotonic() >= deadline:
            break
        time.sleep(0.05)
    lines = []
    for pid in pids:
        with contextlib.suppress(OSError):
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            lines.append(f"{pid}: {argv}")
    return lines


def marked_files(marker: str) -> list[str]:
    """Files and folders named with ``marker`` in the machine's scratch folders (two levels deep)."""
    found = []
    for base in SCRATCH_DIRS:
        for pattern in (f"{base}/*{marker}*", f"{base}/*/*{marker}*"):
            found += glob.glob(pattern)
    return sorted(set(found))


@dataclass
class Markers:
    """Unique tags for one test's attacks; whatever carries them is killed or removed afterwards."""

    issued: list[str] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)

    def new(self) -> str:
        """``313.<8 digits>``: a valid ``sleep`` argument, a file name part, unique to this test."""
        marker = f"313.{secrets.randbelow(10 ** 8):08d}"
        self.issued.append(marker)
        return marker

    def token(self) -> str:
        """A secret: 16 hex digits."""
        return secrets.token_hex(8)

    def remove_later(self, path: Path) -> Path:
        self.paths.append(path)
        return path

    def cleanup(self) -> None:
        for marker in self.issued:
            for pid in processes_with(marker):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGCONT)
                    os.kill(pid, signal.SIGKILL)
            for path in marked_files(marker):
                _remove(Path(path))
        for path in self.paths:
            _remove(path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


@pytest.fixture(autouse=True)
def attack_cleanup():
    """Yields the test's :class:`Markers`; afterwards kills marked processes and removes marked files."""
    markers = Markers()
    try:
        yield markers
    finally:
        markers.cleanup()


# -- the kit, copies and canaries ------------------------------------------------

@pytest.fixture
def kit_copy(tmp_path: Path) -> Kit:
    """A private copy of the kit (engine, exercises, graders, grade.py): the target of tampering."""
    dest = tmp_path / "kit-copy"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("gradekit", "exercises", "graders"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    shutil.copy2(ROOT / "grade.py", dest / "grade.py")
    return Kit.at(dest)


@pytest.fixture
def site_canary(attack_cleanup: Markers):
    """A harmless file in the real site-packages (a .txt: never imported), removed afterwards."""
    folder = Path(sysconfig.get_paths()["purelib"])
    path = attack_cleanup.remove_later(folder / f"gradekit_attack_canary_{attack_cleanup.token()}.txt")
    content = b"a canary of the hostile-submission tests; it must never change\n"
    path.write_bytes(content)
    return path, content


def tree_digest(root: Path, parts: tuple[str, ...] = ("gradekit", "exercises", "graders", "grade.py")) -> dict[str, str]:
    """sha256 of every file under ``root/parts``, bytecode caches included, keyed by relative path.

    Grade with ``sys.dont_write_bytecode`` set around the hostile run (pytest then writes no
    caches of its own), so that a planted ``.pyc`` shows up here as an added file.
    """
    digest = {}
    for part in parts:
        base = root / part
        paths = [base] if base.is_file() else sorted(base.rglob("*"))
        for path in paths:
            if path.is_file() or path.is_symlink():
                data = path.read_bytes() if path.is_file() else f"symlink -> {os.readlink(path)}".encode()
                digest[str(path.relative_to(root))] = hashlib.sha256(data).hexdigest()
    return digest


def changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted([f"changed {p}" for p in before if p in after and before[p] != after[p]]
                  + [f"removed {p}" for p in before if p not in after]
                  + [f"added {p}" for p in after if p not in before])


# -- grading and judging -----------------------------------------------------------

def grade(kit: Kit, folder: Path, exercises: list[str], *, isolation: bool, limits=None, jobs: int | None = None) -> dict:
    """Grade through the public API; ``isolation`` demands the namespaces sandbox (IsolationUnavailable otherwise).

    ``jobs=1`` grades every exercise in one sandbox, one after the other (what an attack on
    leftovers of earlier checks needs).
    """
    kwargs = {"require_isolation": True} if isolation else {}
    if limits is not None:
        kwargs["limits"] = limits
    if jobs is not None:
        kwargs["jobs"] = jobs
    report = grade_submission(kit, folder, exercises=exercises, **kwargs).to_dict()
    if isolation:
        assert report["environment"].get("isolation") == "namespaces", report["environment"]
    return report


def exercise(report: dict, exercise_id: str) -> dict:
    (found,) = [e for e in report["exercises"] if e["id"] == exercise_id]
    return found


def feedback(entry: dict) -> str:
    return " | ".join(filter(None, [entry.get("feedback", "")] + [t["feedback"] for t in entry["tests"]]))


def assert_scores(report: dict, expected: dict[str, float]) -> None:
    """Each exercise scores exactly as expected out of 10, and every lost check says why."""
    for exercise_id, score in expected.items():
        entry = exercise(report, exercise_id)
        assert (entry["score"], entry["max_score"]) == (score, 10), \
            f"{exercise_id} scored {entry['score']:g}/{entry['max_score']:g}, not {score}/10: {feedback(entry)[:1500]}"
        lost = [t for t in entry["tests"] if t["status"] != "passed"]
        assert all(t["feedback"] for t in lost), f"{exercise_id}: a lost check does not say why"
    assert report["score"] <= report["max_score"]


def report_strings(report: dict | list | str) -> str:
    """Every string of a report, one per line (no JSON escaping to hide behind)."""
    if isinstance(report, dict):
        return "\n".join(report_strings(v) for v in [*report.keys(), *report.values()])
    if isinstance(report, list):
        return "\n".join(report_strings(v) for v in report)
    return report if isinstance(report, str) else ""


def leaked_lines(secret_files: list[Path], *outputs: str, min_length: int = 32) -> list[str]:
    """Lines (at least ``min_length`` characters, stripped) of ``secret_files`` found in ``outputs``.

    Shorter lines are common code (``except asyncio.CancelledError:``) that honest feedback
    quotes from a student's own module.
    """
    haystack = "\n".join(outputs)
    lines = {line.strip() for path in secret_files for line in path.read_text(encoding="utf-8").splitlines()}
    return sorted(line for line in lines if len(line) >= min_length and line in haystack)


# -- a disposable grader, for attacks on the grading process -----------------------------

@dataclass
class VictimRun:
    fate: str  # "exited", "killed by SIGKILL", "stopped", "timed out"
    code: int | None
    stdout: str
    stderr: str

    def report(self) -> dict:
        assert self.fate == "exited" and self.code == 0, f"the grader {self.fate} (code {self.code}): {self.stderr[-1500:]}"
        return json.loads(self.stdout)


def grade_py_args(folder: Path, exercises: list[str], output: Path, *, isolation: bool) -> list[str]:
    args = ["grade", str(folder), "--format", "json", "--output", str(output)]
    for exercise_id in exercises:
        args += ["--exercise", exercise_id]
    return args + (["--require-isolation"] if isolation else [])


def run_grader_victim(args: list[str], victim: str, *, timeout: float = 90) -> VictimRun:
    """``python grade.py ARGS`` in a session of its own, marked as the only process attacks may signal.

    Polls it: a grader stopped (SIGSTOP) for a second, or running past ``timeout``, is
    killed and reported as such rather than hanging the test.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, str(ROOT / "grade.py"), *args], cwd=ROOT,
                                env={**os.environ, VICTIM_ENV: victim}, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, start_new_session=True)
        deadline, stopped_since, fate = time.monotonic() + timeout, None, None
        try:
            while proc.poll() is None:
                now = time.monotonic()
                if _state(proc.pid) in ("T", "t"):
                    stopped_since = stopped_since or now
                    if now - stopped_since > 1.0:
                        fate = "stopped"
                        break
                else:
                    stopped_since = None
                if now > deadline:
                    fate = "timed out"
                    break
                time.sleep(0.05)
        finally:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            code = proc.wait()
        if fate is None:
            fate = "exited" if code >= 0 else f"killed by {signal.Signals(-code).name}"
        out.seek(0)
        err.seek(0)
        return VictimRun(fate, code, out.read().decode(errors="replace"), err.read().decode(errors="replace"))


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""
