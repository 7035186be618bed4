"""Starting and policing the child processes that run student code.

:func:`choose_sandbox` picks the strongest isolation this machine offers. Every
sandbox has ``isolation`` ("namespaces" or "process"), ``run(module, source,
request)`` for one check, and ``close()``.
"""

from __future__ import annotations

from gradekit.sandbox.limits import Limits
from gradekit.sandbox.namespaces import NamespaceSandbox, SandboxStartError, namespaces_unavailable
from gradekit.sandbox.process import ChildOutcome, SpawnSandbox, run_child
from gradekit.sandbox.workspace import Workspace

Sandbox = NamespaceSandbox | SpawnSandbox


class IsolationUnavailable(Exception):
    """Full isolation was required (``--require-isolation``) but this machine cannot provide it."""


ISOLATIONS = ("auto", "namespaces", "process")


def choose_sandbox(limits: Limits | None = None, *, require_isolation: bool = False,
                   isolation: str = "auto") -> Sandbox:
    """A started namespace sandbox where this machine can run one, else the process fallback.

    Raises :class:`IsolationUnavailable` instead of falling back when ``require_isolation``
    (or ``isolation="namespaces"``). ``isolation="process"`` asks for the fallback itself
    (benchmarks compare the two).
    """
    if isolation not in ISOLATIONS:
        raise ValueError(f"isolation must be one of {', '.join(ISOLATIONS)}, not {isolation!r}")
    if isolation == "process":
        return SpawnSandbox(limits)
    require_isolation = require_isolation or isolation == "namespaces"
    reason = namespaces_unavailable()
    if not reason:
        sandbox = NamespaceSandbox(limits)
        try:
            sandbox.start()
            return sandbox
        except SandboxStartError as exc:
            reason = str(exc)
    if require_isolation:
        raise IsolationUnavailable(
            f"full isolation (Linux namespaces through bubblewrap) is not available here: {reason}. "
            "--require-isolation refuses to grade without it: on Linux, install bubblewrap "
            "(apt-get install bubblewrap) and allow unprivileged user namespaces; or drop "
            "--require-isolation to grade with process isolation only."
        )
    return SpawnSandbox(limits)


__all__ = ["ISOLATIONS", "ChildOutcome", "IsolationUnavailable", "Limits", "NamespaceSandbox", "Sandbox", "SandboxStartError",
           "SpawnSandbox", "Workspace", "choose_sandbox", "namespaces_unavailable", "run_child"]
