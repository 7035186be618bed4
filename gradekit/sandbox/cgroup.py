"""A process-count cap for a whole sandbox, where the kernel's per-user one does not apply.

``RLIMIT_NPROC`` is not enforced for processes whose real uid is root outside their
user namespace, which is what a sandbox started by a root grader runs as. Root can
create a cgroup instead: the ``pids`` controller caps every task (processes and
threads) of the sandbox together. Used only when the grader runs as root and a
writable ``pids`` hierarchy exists; elsewhere the rlimit does the job.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import time
from dataclasses import dataclass
from pathlib import Path

#: cgroup v1 mounts each controller on its own; cgroup v2 has one tree.
CANDIDATES = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))


def _pids_root() -> Path | None:
    for root in CANDIDATES:
        if (root / "cgroup.procs").is_file() and os.access(root, os.W_OK):
            if (root / "pids.max").exists() or "pids" in _read(root / "cgroup.subtree_control"):
                return root
            if root.name == "pids":
                return root  # a v1 hierarchy's root has no pids.max of its own
    return None


def _sweep(root: Path) -> None:
    """Remove empty cgroups left by graders that were killed before they could clean up."""
    for path in root.glob("gradekit-*-*"):
        try:
            owner = int(path.name.split("-")[1])
            os.kill(owner, 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                path.rmdir()  # fails, harmlessly, while processes remain in it
        except (ValueError, PermissionError):
            continue


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


@dataclass
class PidsCgroup:
    path: Path

    @classmethod
    def create(cls, max_tasks: int) -> PidsCgroup | None:
        """A fresh cgroup capped at ``max_tasks`` tasks, or None where none can be made."""
        if os.geteuid() != 0:
            return None
        root = _pids_root()
        if root is None:
            return None
        _sweep(root)
        path = root / f"gradekit-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            path.mkdir()
            (path / "pids.max").write_text(str(max_tasks))
        except OSError:
            with contextlib.suppress(OSError):
                path.rmdir()
            return None
        return cls(path)

    def enter(self) -> None:
        """Move the calling process in (run between fork and exec, so nothing escapes)."""
        fd = os.open(self.path / "cgroup.procs", os.O_WRONLY)
        try:
            os.write(fd, b"0")
        finally:
            os.close(fd)

    def remove(self, patience: float = 2.0) -> None:
        """Kill whatever is left in the cgroup, then remove it.

        Processes of a killed sandbox take a moment to leave; a cgroup still holding
        any cannot be removed.
        """
        deadline = time.monotonic() + patience
        while True:
            pids = [int(p) for p in _read(self.path / "cgroup.procs").split()]
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                self.path.rmdir()
                return
            if time.monotonic() > deadline:
                return
            time.sleep(0.005)
