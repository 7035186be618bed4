"""Run one child: own process group, rlimits, clean environment, bounded capture.

The child's stdout and stderr are drained to the end (so a flood of output
cannot block it) but only the first ``output_bytes`` are kept. Whatever
happens, the whole process group is killed when the child ends or the
wall-clock limit passes, so stray grandchildren never outlive a check.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from gradekit.sandbox.capture import Capture, pump
from gradekit.sandbox.limits import Limits

@dataclass
class ChildOutcome:
    returncode: int | None
    timed_out: bool
    stdout: str
    stderr: str
    wall_seconds: float
    phases: dict[str, float] = field(default_factory=dict)  # real clock readings and costs, for benchmarks only

    @property
    def signal_name(self) -> str | None:
        if self.returncode is not None and self.returncode < 0:
            try:
                return signal.Signals(-self.returncode).name
            except ValueError:
                return f"signal {-self.returncode}"
        return None


def clean_environment(home: Path) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONUTF8": "1",
    }


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def run_child(argv: list[str], cwd: Path, request: dict, limits: Limits, link: socket.socket) -> ChildOutcome:
    """Start ``argv`` in ``cwd`` and send it the driver ``request`` and ``link``'s fd as one JSON line."""
    stdin = (json.dumps({"driver": request, "link_fd": link.fileno()}) + "\n").encode()
    started = time.monotonic()
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=clean_environment(cwd),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        pass_fds=(link.fileno(),),
        process_group=0,
        preexec_fn=limits.apply,
        close_fds=True,
    )
    pgid = proc.pid
    try:
        proc.stdin.write(stdin)
        proc.stdin.close()
    except BrokenPipeError:
        pass
    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    streams = {out_fd: Capture(limits.output_bytes), err_fd: Capture(limits.output_bytes)}
    timed_out = pump(streams, started + limits.wall_seconds, exited=lambda: proc.poll() is not None,
                     kill=lambda: _kill_group(pgid))
    _kill_group(pgid)
    returncode = proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    return ChildOutcome(
        returncode=None if timed_out else returncode,
        timed_out=timed_out,
        stdout=streams[out_fd].text(),
        stderr=streams[err_fd].text(),
        wall_seconds=round(time.monotonic() - started, 3),
    )


def harness_command() -> list[str]:
    """How to start the child harness with this interpreter, isolated from the caller's environment.

    ``-I`` drops PYTHONPATH, the user site and the current folder; the engine's own
    location is added back explicitly so an uninstalled checkout works too (the
    child removes it again before importing student code).
    """
    import gradekit

    engine_parent = str(Path(gradekit.__file__).resolve().parent.parent)
    bootstrap = (
        f"import sys; p = {engine_parent!r}; added = p not in sys.path\n"
        "if added: sys.path.append(p)\n"
        "from gradekit.harness.driver import main; main(engine_path=p if added else None)"
    )
    return [sys.executable, "-I", "-c", bootstrap]


class SpawnSandbox:
    """The fallback where namespaces are unavailable: a fresh interpreter per check.

    Each check gets a new temporary folder holding only the module under test, its own
    process group, rlimits and a clean environment; it can still read whatever the
    grading user can read (see docs/security.md).
    """

    isolation = "process"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    @staticmethod
    def link_fd(link: socket.socket) -> int:
        """The fd number the check's process will have ``link`` as (``pass_fds`` keeps it)."""
        return link.fileno()

    def run(self, module: str, source: bytes, request: dict, link: socket.socket) -> ChildOutcome:
        folder = Path(tempfile.mkdtemp(prefix="gradekit-run-"))
        try:
            (folder / f"{module}.py").write_bytes(source)
            return run_child(harness_command(), folder, request, self.limits, link)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        """Nothing outlives a check here."""
