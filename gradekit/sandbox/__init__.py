"""Starting and policing the child processes that run student code."""

from gradekit.sandbox.limits import Limits
from gradekit.sandbox.process import ChildOutcome, run_child
from gradekit.sandbox.workspace import Workspace

__all__ = ["ChildOutcome", "Limits", "Workspace", "run_child"]
