"""Starting and policing the child processes that run student code."""

from gradekit.sandbox.limits import Limits
from gradekit.sandbox.process import ChildOutcome, SpawnSandbox, run_child
from gradekit.sandbox.workspace import Workspace

__all__ = ["ChildOutcome", "Limits", "SpawnSandbox", "Workspace", "run_child"]
