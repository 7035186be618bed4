"""The pytest plugin that runs graders against one submission and collects scores."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

from gradekit.grading.checks import MARKER
from gradekit.grading.feedback import TIMEOUT, CheckFailure
from gradekit.grading.observation import Observation
from gradekit.report.model import CheckResult
from gradekit.report.timeline import timeline_data
from gradekit.sources import load_source
from gradekit.sandbox import Sandbox, Workspace
from gradekit.world.run import observe

if TYPE_CHECKING:
    from gradekit.kit import CheckFile, Kit
    from gradekit.progress import ProgressHook

INTERNAL_ERROR = "the grader itself failed on this check ({kind}); please tell the course staff."
#: The timeline a check attached with the ``timeline`` fixture, shown with its result when it fails.
TIMELINE = pytest.StashKey[dict]()


@dataclass
class CheckInfo:
    exercise_id: str
    id: str
    name: str
    points: float
    visibility: str


@dataclass
class GradingSession:
    """State of one pytest run over one submission."""

    workspace: Workspace | None
    sandbox: Sandbox
    visibility: dict[Path, str]
    #: Where each exercise's public scenarios.py is: hidden scenarios build on it.
    public_scenarios: dict[str, Path] = field(default_factory=dict)
    collected: list[CheckInfo] = field(default_factory=list)
    results: dict[str, list[CheckResult]] = field(default_factory=dict)
    import_failures: dict[str, Observation] = field(default_factory=dict)
    #: Identical runs (same scenario, same parameters) share one observation.
    observations: dict[tuple, Observation] = field(default_factory=dict)
    #: Why the submission is flagged for review (it tampered with the harness), per exercise.
    flags: dict[str, str] = field(default_factory=dict)
    #: Told of each exercise's checks and of each check as it starts and ends (gradekit.progress).
    progress: ProgressHook | None = None
    #: Grader files pytest could not collect, each with why: the graders' fault, never the submission's.
    collect_errors: list[str] = field(default_factory=list)
    _texts: dict[Path, str] = field(default_factory=dict)
    _modules: dict[Path, ModuleType] = field(default_factory=dict)

    @classmethod
    def for_checks(cls, kit: Kit, files: list[CheckFile], workspace: Workspace | None, sandbox: Sandbox,
                   progress: ProgressHook | None = None) -> GradingSession:
        """The session that runs the checks of ``files`` on ``workspace``: each file's visibility and
        each exercise's public scenarios (the one place ``grade.py`` and plain pytest build it)."""
        return cls(workspace=workspace, sandbox=sandbox,
                   visibility={f.path.resolve(): f.visibility for f in files},
                   public_scenarios={ex: kit.public_checks(ex) / "scenarios.py"
                                     for ex in {f.exercise_id for f in files}},
                   progress=progress)

    def _text(self, path: Path) -> str:
        if path not in self._texts:
            self._texts[path] = path.read_text(encoding="utf-8")
        return self._texts[path]

    def run_scenario(self, exercise_id: str, scenarios: Path, scenario: str, params: dict) -> Observation:
        if self.workspace is None or exercise_id not in self.workspace.present:
            raise CheckFailure(f"{exercise_id}.py is missing from the submission folder.")
        if exercise_id in self.import_failures:
            return self.import_failures[exercise_id]
        key = (exercise_id, scenarios, scenario, json.dumps(params, sort_keys=True, default=repr))
        if key not in self.observations:
            self.observations[key] = self._observe(exercise_id, scenarios, scenario, params)
        return self.observations[key]

    def _scenario_module(self, exercise_id: str, scenarios: Path) -> ModuleType:
        """The grader's scenarios.py, loaded here on the trusted side (world scenarios run here)."""
        if scenarios not in self._modules:
            name = f"gradekit_scenarios_{exercise_id}_{len(self._modules)}"
            self._modules[scenarios] = load_source(name, self._text(scenarios), str(scenarios))
        return self._modules[scenarios]

    def _observe(self, exercise_id: str, scenarios: Path, scenario: str, params: dict) -> Observation:
        """Run ``scenario`` of ``scenarios`` in a new world, against the submission's module in the sandbox."""
        fn = getattr(self._scenario_module(exercise_id, scenarios), scenario, None)
        spec = getattr(fn, "_gradekit_world", None)
        if spec is None:
            raise LookupError(f"{scenarios} has no scenario {scenario!r} (an async def marked @scenario from "
                              "gradekit.world)")
        public = self.public_scenarios.get(exercise_id)
        driver = public.parent / "driver.py" if public is not None else None
        source = (self.workspace.path / f"{exercise_id}.py").read_bytes()
        result = observe(self.sandbox, exercise_id, source, fn, spec, params,
                         driver_source=self._text(driver) if driver is not None and driver.is_file() else None)
        observation = Observation.from_world(scenario, result)
        if observation.flag:
            self.flags.setdefault(exercise_id, observation.flag)
        if observation.status == "import_error":
            self.import_failures[exercise_id] = observation
        return observation


def _exercise_of(item: pytest.Item) -> str:
    exercise_id = getattr(item.module, "EXERCISE", None)
    if not exercise_id:
        raise pytest.UsageError(f"{item.path} must set EXERCISE = '<exercise id>'")
    return exercise_id


class GradekitPlugin:
    def __init__(self, session: GradingSession) -> None:
        self.session = session
        self._info: dict[str, CheckInfo] = {}

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", f"{MARKER}(name, points): a graded check")

    @pytest.fixture
    def run(self, request: pytest.FixtureRequest):
        """``run(scenario, **params)`` runs a scenario of the sibling scenarios.py in the sandbox."""
        exercise_id = _exercise_of(request.node)
        scenarios = Path(request.node.path).parent / "scenarios.py"

        def _run(scenario: str, **params) -> Observation:
            return self.session.run_scenario(exercise_id, scenarios, scenario, params)

        return _run

    @pytest.fixture
    def timeline(self, request: pytest.FixtureRequest):
        """``timeline(data)`` shows ``data`` under this check when it fails (see :mod:`gradekit.grading.timelines`).

        ``data`` is checked at once (:class:`gradekit.report.timeline.TimelineError`), so a grader's
        mistake fails its own check as an internal error; the last call wins.
        """

        def _show(data: dict) -> None:
            request.node.stash[TIMELINE] = timeline_data(data)

        return _show

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            # The last line of pytest's text says what went wrong (a SyntaxError, an ImportError…).
            lines = [line for line in str(report.longrepr).splitlines() if line.strip()]
            last = lines[-1].strip().removeprefix("E").strip() if lines else "error"
            self.session.collect_errors.append(f"{report.nodeid or '.'}: {last}")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            marker = item.get_closest_marker(MARKER)
            if marker is None:
                raise pytest.UsageError(f"{item.nodeid} has no @check(name, points=...)")
            info = CheckInfo(
                exercise_id=_exercise_of(item),
                id=item.name,
                name=marker.kwargs["name"],
                points=marker.kwargs["points"],
                visibility=self.session.visibility.get(Path(item.path).resolve(), "hidden"),
            )
            self._info[item.nodeid] = info
            self.session.collected.append(info)
        if self.session.progress is not None:
            for exercise_id, count in Counter(info.exercise_id for info in self._info.values()).items():
                self.session.progress.checks_found(exercise_id, count)

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        info = self._info.get(nodeid)
        if info is not None and self.session.progress is not None:
            self.session.progress.check_started(info.exercise_id, info.name)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        info = self._info.get(item.nodeid)
        if info is None or (report.when != "call" and not report.failed):
            return
        result = _judge(info, report.passed, call.excinfo)
        if not report.passed:
            result.timeline = item.stash.get(TIMELINE, None)
        self.session.results.setdefault(info.exercise_id, []).append(result)
        if self.session.progress is not None:
            self.session.progress.check_done(info.exercise_id, result)


def _judge(info: CheckInfo, passed: bool, excinfo) -> CheckResult:
    result = CheckResult(id=info.id, name=info.name, score=0.0, max_score=info.points, status="failed",
                         visibility=info.visibility)
    if passed:
        result.score, result.status = info.points, "passed"
        return result
    exc = excinfo.value if excinfo is not None else None
    if isinstance(exc, CheckFailure):
        result.feedback = str(exc)
    elif isinstance(exc, pytest.fail.Exception) and "Timeout" in str(exc):
        result.status = "timeout"
        result.feedback = f"the check took too long and was stopped. {TIMEOUT.sentence()} Hint: {TIMEOUT.hint}"
    elif isinstance(exc, AssertionError):
        # A plain assert in a grader: its message only, never its source.
        message = str(exc).split("\n", 1)[0] if exc.args else ""
        result.feedback = message or f"the check '{info.name}' failed."
    else:
        result.status = "error"
        result.feedback = INTERNAL_ERROR.format(kind=type(exc).__name__ if exc else "unknown")
        result.detail = str(excinfo.getrepr(style="short")) if excinfo is not None else ""
    return result
