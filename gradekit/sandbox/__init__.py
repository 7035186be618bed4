"""Starting and policing the child processes that run student code.

:func:`choose_sandbox` picks the strongest isolation this machine offers; every
sandbox has ``isolation`` ("namespaces" or "process") and ``run(folder, request)``.
"""

from gradekit.sandbox.limits import Limits
from gradekit.sandbox.process import ChildOutcome, SpawnSandbox, run_child
from gradekit.sandbox.workspace import Workspace


class IsolationUnavailable(Exception):
    """Full isolation was required (``--require-isolation``) but this machine cannot provide it."""


def choose_sandbox(limits: Limits | None = None, *, require_isolation: bool = False) -> SpawnSandbox:
    """The sandbox to grade with; raises :class:`IsolationUnavailable` when required isolation is missing."""
    sandbox = SpawnSandbox(limits)
    if require_isolation and sandbox.isolation != "namespaces":
        raise IsolationUnavailable(
            "full isolation (Linux namespaces through bubblewrap) is not available on this machine, and "
            "--require-isolation was given: install bubblewrap (apt-get install bubblewrap) on Linux, "
            "or drop --require-isolation to grade with process isolation only."
        )
    return sandbox


__all__ = ["ChildOutcome", "IsolationUnavailable", "Limits", "SpawnSandbox", "Workspace", "choose_sandbox", "run_child"]
