"""The world: the trusted process where a check's scenario, clock, fakes and records live.

A grader's ``scenarios.py`` declares world scenarios with :func:`scenario`; each gets a
:class:`~gradekit.world.harness.WorldHarness` and calls the student's functions in the
sandbox with ``await h.student.name(...)``. See ``docs/authoring.md``.
"""

from gradekit.world.fakes import Outcome
from gradekit.world.remote import MissingFromModule, RemoteError
from gradekit.world.scenario import ScenarioSpec, public_scenarios, scenario

__all__ = ["MissingFromModule", "Outcome", "RemoteError", "ScenarioSpec", "public_scenarios", "scenario"]
