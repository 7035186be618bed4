"""Code that runs inside the sandboxed child, beside the student's module.

Grader scenario files import from here: :func:`scenario` to declare a scenario and
:class:`Harness` (passed to every scenario) for fakes, the clock and the event log.
Nothing in this package decides a score; it only records observations.
"""

from gradekit.harness.fakes import Call, FakeCallable, InFlight
from gradekit.harness.scenarios import Harness, public_scenarios, scenario

__all__ = ["Call", "FakeCallable", "Harness", "InFlight", "public_scenarios", "scenario"]
