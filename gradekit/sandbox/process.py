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
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from gradekit.sandbox.limits import Limits

TRUNCATED = b"\n\xe2\x80\xa6 truncated"


@dataclass
class ChildOutcome:
    returncode: int | None
    timed_out: bool
    stdout: str
    stderr: str
    results: bytes  # raw content of the result pipe, judged by the caller
    wall_seconds: float

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


class _Capture:
    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.data = bytearray()
        self.truncated = False

    def feed(self, chunk: bytes) -> None:
        room = self.cap - len(self.data)
        if room > 0:
            self.data += chunk[:room]
        if len(chunk) > room:
            self.truncated = True

    def text(self) -> str:
        raw = bytes(self.data) + (TRUNCATED if self.truncated else b"")
        return raw.decode("utf-8", errors="replace")


def run_child(argv: list[str], cwd: Path, request: dict, limits: Limits) -> ChildOutcome:
    """Start ``argv`` in ``cwd`` and send it ``request`` (plus ``result_fd``) as one JSON line."""
    result_r, result_w = os.pipe()
    stdin = (json.dumps({**request, "result_fd": result_w}) + "\n").encode()
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=clean_environment(cwd),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(result_w,),
            process_group=0,
            preexec_fn=limits.apply,
            close_fds=True,
        )
    finally:
        os.close(result_w)
    pgid = proc.pid
    try:
        proc.stdin.write(stdin)
        proc.stdin.close()
    except BrokenPipeError:
        pass
    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    streams = {out_fd: _Capture(limits.output_bytes), err_fd: _Capture(limits.output_bytes), result_r: _Capture(4 << 20)}
    timed_out = _pump(proc, pgid, streams, started + limits.wall_seconds)
    _kill_group(pgid)
    returncode = proc.wait()
    os.close(result_r)
    proc.stdout.close()
    proc.stderr.close()
    return ChildOutcome(
        returncode=None if timed_out else returncode,
        timed_out=timed_out,
        stdout=streams[out_fd].text(),
        stderr=streams[err_fd].text(),
        results=bytes(streams[result_r].data),
        wall_seconds=round(time.monotonic() - started, 3),
    )


def _pump(proc: subprocess.Popen, pgid: int, streams: dict[int, _Capture], deadline: float) -> bool:
    """Drain every stream until all close; True when the wall-clock limit struck first."""
    selector = selectors.DefaultSelector()
    for fd in streams:
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ)
    open_fds = set(streams)
    exited_at: float | None = None
    try:
        while open_fds:
            now = time.monotonic()
            if now >= deadline:
                _kill_group(pgid)
                return True
            if exited_at is None and proc.poll() is not None:
                # The child is gone; anything still holding our pipes is a stray.
                exited_at = now
                _kill_group(pgid)
            if exited_at is not None and now - exited_at > 1.0:
                break
            for key, _ in selector.select(timeout=min(0.05, deadline - now)):
                try:
                    chunk = os.read(key.fd, 65536)
                except BlockingIOError:
                    continue
                if chunk:
                    streams[key.fd].feed(chunk)
                else:
                    selector.unregister(key.fd)
                    open_fds.discard(key.fd)
    finally:
        selector.close()
    return False


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
        "from gradekit.harness.child import main; main(engine_path=p if added else None)"
    )
    return [sys.executable, "-I", "-c", bootstrap]


class SpawnSandbox:
    """Runs each scenario in a freshly started interpreter (about 60 ms each).

    The grading side only calls :meth:`run`, so a fork server that pre-imports the
    harness and forks a sandboxed child per request can replace this class without
    touching the graders.
    """

    isolation = "process"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    def run(self, folder: Path, request: dict) -> ChildOutcome:
        return run_child(harness_command(), folder, request, self.limits)
