"""The kit stays off asyncio APIs that are deprecated (3.14: the event-loop policy system,
``asyncio.iscoroutinefunction``; 3.12: ``get_event_loop()`` with no running loop).

pyproject.toml turns DeprecationWarnings raised from ``gradekit.*`` into errors, but most
of the engine runs in the sandboxed child, which pytest's filter does not reach. So these
tests import every engine module in a fresh interpreter with ``-W error::DeprecationWarning``,
drive the harness's loop factory in this process under ``simplefilter("error")``, and read
the sources that only ever run in a child (scenarios, references) for deprecated names.
"""

from __future__ import annotations

import ast
import asyncio
import pkgutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import gradekit
from gradekit.harness.loop import GradingLoop, VirtualClock, install_loop_factory
from tests.conftest import ROOT

ENGINE_MODULES = sorted(m.name for m in pkgutil.walk_packages(gradekit.__path__, "gradekit."))

#: asyncio names to stay off, with what to use instead: the policy system and
#: iscoroutinefunction are deprecated in 3.14 (removal in 3.16), child watchers are removed
#: in 3.14, get_event_loop() warns from 3.12 and raises from 3.14 when no loop is set.
DEPRECATED = {
    "iscoroutinefunction": "inspect.iscoroutinefunction",
    "get_event_loop": "asyncio.get_running_loop() inside a coroutine, asyncio.run()/Runner outside",
    "get_event_loop_policy": "asyncio.run(..., loop_factory=...) or asyncio.Runner(loop_factory=...)",
    "set_event_loop_policy": "asyncio.run(..., loop_factory=...) or asyncio.Runner(loop_factory=...)",
    "AbstractEventLoopPolicy": "a loop factory",
    "DefaultEventLoopPolicy": "a loop factory",
    "WindowsSelectorEventLoopPolicy": "a loop factory",
    "WindowsProactorEventLoopPolicy": "a loop factory",
    "get_child_watcher": "nothing: child watchers are gone in 3.14",
    "set_child_watcher": "nothing: child watchers are gone in 3.14",
    "AbstractChildWatcher": "nothing: child watchers are gone in 3.14",
    "SafeChildWatcher": "nothing: child watchers are gone in 3.14",
    "FastChildWatcher": "nothing: child watchers are gone in 3.14",
    "ThreadedChildWatcher": "nothing: child watchers are gone in 3.14",
    "PidfdChildWatcher": "nothing: child watchers are gone in 3.14",
    "MultiLoopChildWatcher": "nothing: child watchers are gone in 3.14",
}


def _kit_sources() -> list[Path]:
    """Python files of the engine, the tests, graders and exercises, except known-wrong code.

    Variants and tests/attacks are student code, wrong on purpose (ex01's variant uses
    get_event_loop()); so is the ex10 stub, and stubs only raise NotImplementedError.
    """
    files = [*(ROOT / "gradekit").rglob("*.py"), *(ROOT / "tests").rglob("*.py"), *(ROOT / "graders").rglob("*.py")]
    for exercise in sorted((ROOT / "exercises").iterdir()):
        files += [*(exercise / "checks").glob("*.py"), *(exercise / "alternatives").glob("*.py")]
        files += [p for p in [exercise / "reference.py"] if p.exists()]
    return sorted(f for f in files if "attacks" not in f.relative_to(ROOT).parts)


def deprecated_uses(source: str, filename: str) -> list[str]:
    """``asyncio.<deprecated>`` attributes and ``from asyncio import <deprecated>`` in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Attribute) and node.attr in DEPRECATED:
            base = node.value
            if isinstance(base, ast.Name) and base.id == "asyncio" or (
                    isinstance(base, ast.Attribute) and base.attr == "events"):
                found.append(f"{filename}:{node.lineno}: asyncio.{node.attr} (use {DEPRECATED[node.attr]})")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("asyncio"):
            found += [f"{filename}:{node.lineno}: from {node.module} import {a.name} (use {DEPRECATED[a.name]})"
                      for a in node.names if a.name in DEPRECATED]
    return found


def test_the_detector_finds_what_it_looks_for():
    source = "import asyncio\nfrom asyncio import get_event_loop_policy\nasyncio.iscoroutinefunction(f)\n" \
             "asyncio.events.get_event_loop()\nasyncio.get_running_loop()\n"
    assert [use.split(": ")[1].split(" (")[0] for use in deprecated_uses(source, "x.py")] == [
        "from asyncio import get_event_loop_policy", "asyncio.iscoroutinefunction", "asyncio.get_event_loop"]


def test_no_deprecated_asyncio_api_in_the_kit():
    uses = []
    for path in _kit_sources():
        uses += deprecated_uses(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert uses == []


def test_every_engine_module_imports_without_a_deprecation_warning():
    """In a fresh interpreter, so module-level code runs again under the filter."""
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    proc = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-W", "error::PendingDeprecationWarning",
                           "-c", code, *ENGINE_MODULES], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(ENGINE_MODULES) > 10


class SelfTimedLoop(GradingLoop):
    """A grading loop that moves its own virtual clock to its next timer (what its world would say)."""

    def _virtual_select(self, timeout=None):
        ready = self._real_select(0)
        if not ready and timeout:
            self._clock.now += timeout
        return ready


@pytest.fixture
def grading_loops():
    """Install the driver's kind of loop factory, warnings as errors; put asyncio back afterwards."""
    saved = asyncio.events.new_event_loop, asyncio.new_event_loop
    clock = VirtualClock()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)
            warnings.simplefilter("error", PendingDeprecationWarning)
            install_loop_factory(lambda: SelfTimedLoop(clock))
            yield clock
    finally:
        asyncio.events.new_event_loop, asyncio.new_event_loop = saved


def _on_a_grading_loop_after(seconds: float):
    async def body():
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.sleep(seconds)
        return type(loop), loop.time() - started
    return body()


def test_asyncio_run_uses_the_loop_factory_without_deprecations(grading_loops):
    kind, elapsed = asyncio.run(_on_a_grading_loop_after(5.0))
    assert kind is SelfTimedLoop
    assert elapsed == pytest.approx(5.0)  # on the virtual clock: no real second was spent


def test_runner_and_new_event_loop_use_the_loop_factory_without_deprecations(grading_loops):
    with asyncio.Runner() as runner:
        assert runner.run(_on_a_grading_loop_after(0.5))[0] is SelfTimedLoop
    loop = asyncio.new_event_loop()  # what the child does for an async scenario
    try:
        asyncio.set_event_loop(loop)
        assert loop.run_until_complete(_on_a_grading_loop_after(0.25)) == (SelfTimedLoop, pytest.approx(0.25))
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        asyncio.set_event_loop(None)
        loop.close()
