"""The graders as plain pytest: ``pytest graders/ex03_fetch_all --submission path/to/alice``.

This module is the kit's pytest plugin as pytest's own entry point (``pytest11`` in
``pyproject.toml``, registered under the name ``gradekit``), so an installed kit lets
an instructor run the graders with every pytest option::

    pytest graders/ex03_fetch_all exercises/ex03_fetch_all/checks --submission path/to/alice
    pytest graders/ex03_fetch_all --submission alice -k order -x
    pytest graders/ex03_fetch_all --submission alice --lf            # only what failed last time
    pytest graders/ --submission alice --json-report --json-report-file=alice.json

With ``--submission`` it builds what ``python grade.py grade`` builds for one submission
— the workspace (only the submission's exercise modules, taken as intake takes them),
the strongest sandbox this machine offers, a
:class:`~gradekit.grading.plugin.GradingSession` — and registers the very plugin that
``grade.py`` passes to ``pytest.main``
(:class:`~gradekit.grading.plugin.GradekitPlugin`): the ``run`` fixture, the checks'
names and points, and the verdict of each check come from the same code on both paths,
so they cannot disagree (``tests/test_pytest_plugin.py`` compares them). At the end the
terminal shows each exercise's points for the checks that ran, and pytest-json-report's
report (``--json-report``) gets them under the key ``"gradekit"``.

Without ``--submission`` the plugin is inert: it adds its options and the
``gradekit_check`` marker, imports nothing heavy, and leaves every other test alone; a
grader's checks collected without it are skipped with a reason saying how to run them.
``grade.py`` itself runs pytest with ``--disable-plugin-autoload`` and passes its own
plugin object, so this entry point never runs inside a grading: ``-p no:gradekit``
turns it off elsewhere.

Options: ``--submission FOLDER`` (a student's folder of ``exNN_*.py`` modules),
``--kit-root ROOT`` (the kit or student copy whose checks these are; found from the paths
given when omitted), ``--require-isolation`` and ``--gradekit-isolation
{auto,namespaces,process}`` as for ``grade.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from gradekit.grading.checks import MARKER

if TYPE_CHECKING:  # imported for real only with --submission: plain pytest runs stay light
    from gradekit.grading.plugin import GradingSession
    from gradekit.kit import Kit

NO_SUBMISSION = ("a gradekit check: give the student's folder to run it, e.g. "
                 "`pytest graders/ex03_fetch_all --submission path/to/alice`")
PLUGIN_NAME = "gradekit-grading"
GRADING_NAME = "gradekit-submission"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gradekit", "grading a submission with the kit's checks (asyncio-gradekit)")
    group.addoption("--submission", metavar="FOLDER", default=None, type=Path,
                    help="grade this submission folder (its exNN_*.py modules) with the collected checks")
    group.addoption("--kit-root", metavar="ROOT", default=None, type=Path,
                    help="the kit (exercises/, graders/) or student copy (checks/) the checks belong to; "
                         "default: found above the paths given")
    group.addoption("--require-isolation", action="store_true", default=False,
                    help="refuse to grade unless student code runs in Linux namespaces (bubblewrap)")
    group.addoption("--gradekit-isolation", choices=("auto", "namespaces", "process"), default="auto",
                    help="the sandbox to grade in (default: auto, the strongest available)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(name, points): a graded check (asyncio-gradekit)")
    submission = config.getoption("submission", None)
    if submission is None:
        return
    from gradekit.grading.plugin import GradekitPlugin

    grading = _start(config, submission)
    config.pluginmanager.register(grading, GRADING_NAME)
    config.pluginmanager.register(GradekitPlugin(grading.session), PLUGIN_NAME)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.pluginmanager.has_plugin(GRADING_NAME):
        return
    for item in items:  # inert: a check cannot run without a submission, so say how
        if item.get_closest_marker(MARKER) is not None:
            item.add_marker(pytest.mark.skip(reason=NO_SUBMISSION))


def _start(config: pytest.Config, submission: Path) -> _Grading:
    """The workspace, sandbox and session ``grade.py`` would build; bad input is a UsageError."""
    from gradekit.grading.plugin import GradingSession
    from gradekit.kit import KitError
    from gradekit.sandbox import IsolationUnavailable, Limits, Workspace, choose_sandbox
    from gradekit.sandbox.workspace import SubmissionError

    try:
        kit = _find_kit(config)
        ids = kit.exercise_ids()
        workspace = Workspace.create(submission, ids, known=ids)
    except (KitError, SubmissionError) as exc:
        raise pytest.UsageError(f"gradekit: {exc}") from None
    try:
        sandbox = choose_sandbox(Limits(), require_isolation=config.getoption("require_isolation"),
                                 isolation=config.getoption("gradekit_isolation"))
    except IsolationUnavailable as exc:
        workspace.cleanup()
        raise pytest.UsageError(f"gradekit: {exc}") from None
    session = GradingSession.for_checks(kit, kit.check_files(ids), workspace, sandbox)
    return _Grading(kit, submission, session)


def _find_kit(config: pytest.Config) -> Kit:
    """``--kit-root``, else the nearest folder above the paths given (or the rootdir) that is a grading root."""
    from gradekit.kit import Kit, KitError

    explicit = config.getoption("kit_root")
    if explicit is not None:
        return Kit.at(explicit)
    start = config.invocation_params.dir
    places = [(start / arg.split("::", 1)[0]).resolve() for arg in config.args] + [config.rootpath, start]
    for place in places:
        for folder in (place, *place.parents):
            if _is_grading_root(folder):
                return Kit.at(folder)
    raise KitError("no kit found above the paths given (a folder holding exercises/, or a student copy with "
                   "checks/ and grade.py); name it with --kit-root ROOT")


def _is_grading_root(folder: Path) -> bool:
    # exercises/<id>/ itself holds a checks/ folder: a student copy is recognised by its grade.py too.
    return (folder / "exercises").is_dir() or ((folder / "checks").is_dir() and (folder / "grade.py").is_file())


@dataclass(eq=False)  # a plugin object: pytest keeps it in sets, by identity
class _Grading:
    """A run with ``--submission``: the session to report on at the end, and to release.

    Registered as a plugin of its own, so the hooks below see this run only.
    """

    kit: Kit
    submission: Path
    session: GradingSession

    def pytest_report_header(self) -> str:
        return (f"gradekit: grading {self.submission} with the checks of {self.kit.root} "
                f"(isolation: {self.session.sandbox.isolation})")

    def points(self) -> dict[str, tuple[float, float, int]]:
        """Per exercise: points earned, points possible and how many checks, over the checks that ran."""
        return {exercise_id: (round(sum(r.score for r in results), 2), round(sum(r.max_score for r in results), 2),
                              len(results))
                for exercise_id, results in sorted(self.session.results.items())}

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.session.results:
            return
        terminalreporter.section("gradekit: points of the checks that ran")
        for exercise_id, (score, max_score, count) in self.points().items():
            flag = self.session.flags.get(exercise_id)
            terminalreporter.line(f"{exercise_id:<28} {score:g}/{max_score:g}  ({count} check(s))"
                                  + (f"  FLAGGED for review: {flag}" if flag else ""))

    @pytest.hookimpl(optionalhook=True)
    def pytest_json_modifyreport(self, json_report: dict) -> None:
        """pytest-json-report's report gets each check's name, points and feedback under ``"gradekit"``."""
        json_report["gradekit"] = {
            "submission": str(self.submission),
            "isolation": self.session.sandbox.isolation,
            "exercises": [
                {"id": exercise_id, "score": score, "max_score": max_score,
                 "flag_reason": self.session.flags.get(exercise_id, ""),
                 "tests": [r.to_dict() for r in self.session.results[exercise_id]]}
                for exercise_id, (score, max_score, _) in self.points().items()
            ],
        }

    def pytest_unconfigure(self) -> None:
        try:
            self.session.sandbox.close()
        finally:
            if self.session.workspace is not None:
                self.session.workspace.cleanup()
