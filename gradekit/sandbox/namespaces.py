"""Full isolation: one bubblewrap sandbox per submission, a zygote inside, a fork per check.

The sandbox (``bwrap``, the tool Flatpak uses) gives the submission its own user,
PID, mount, network, IPC and UTS namespaces:

* it runs as uid 65534 with no capabilities and cannot create user namespaces;
* it sees a read-only ``/usr``, the Python installation (the venv at ``/opt/venv``),
  the ``gradekit`` package at ``/opt/gradekit`` and nothing else of the machine: not
  the kit's ``exercises/`` or ``graders/``, the reports, the grader's files or home;
* its only writable place is a size-capped private ``/tmp``, emptied before each check;
* its network is its own loopback;
* its init is the zygote (:mod:`gradekit.sandbox.zygote`), which kills every other
  process of the namespace after each check.

The trusted side keeps the wall clock: when an answer is late it kills the whole
sandbox, which the submission can neither see nor stop, and starts a new one for
the next check.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from gradekit.sandbox.capture import Capture
from gradekit.sandbox.cgroup import PidsCgroup
from gradekit.sandbox.limits import Limits
from gradekit.sandbox.process import ChildOutcome, clean_environment
from gradekit.sandbox.zygote import HEADER, LINK_FD, MAX_FRAME

ENGINE_MOUNT = "/opt/gradekit"
VENV_MOUNT = "/opt/venv"
SANDBOX_UID = 65534
#: Extra seconds the trusted side waits past the zygote's own per-check kill.
GRACE_SECONDS = 3.0
#: Tasks (processes and threads) of a whole sandbox when a cgroup caps them: the
#: zygote, a check's own limit, and the few a kill leaves for a moment.
CGROUP_SLACK = 16


class SandboxStartError(Exception):
    """bubblewrap could not start a sandbox on this machine."""


def _root_filesystem() -> list[str]:
    """``/usr`` read-only, and the top-level links or folders that point into it."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def _python_mounts() -> tuple[list[str], str]:
    """Binds for the running interpreter, and its path inside the sandbox."""
    base = os.path.realpath(sys.base_prefix)
    args = [] if base.startswith("/usr/") else ["--ro-bind", base, base]
    if os.path.realpath(sys.prefix) == base:
        return args, os.path.realpath(sys.executable)
    # A venv: mounted away from its real path so that nothing around it (a kit
    # checkout holding it, say) is exposed; its pyvenv.cfg points at ``base``.
    args += ["--ro-bind", sys.prefix, VENV_MOUNT]
    return args, f"{VENV_MOUNT}/bin/{os.path.basename(sys.executable)}"


def _engine_dir() -> str:
    import gradekit

    return str(Path(gradekit.__file__).resolve().parent)


def bwrap_command(limits: Limits, answers_fd: int, links_fd: int) -> list[str]:
    """The ``bwrap`` command line that starts a zygote answering on ``answers_fd``.

    ``links_fd`` is a socket on which each world-run check's link arrives (``SCM_RIGHTS``).
    """
    python_binds, python = _python_mounts()
    bootstrap = (f"import sys; sys.path.insert(0, {ENGINE_MOUNT!r})\n"
                 f"from gradekit.sandbox.zygote import main; main({answers_fd}, {links_fd})")
    return [
        shutil.which("bwrap") or "bwrap",
        "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
        "--unshare-cgroup-try", "--disable-userns",
        "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--hostname", "sandbox",
        "--die-with-parent", "--new-session", "--as-pid-1",
        *_root_filesystem(),
        "--proc", "/proc", "--dev", "/dev",
        "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp",
        *python_binds,
        "--ro-bind", _engine_dir(), f"{ENGINE_MOUNT}/gradekit",
        # bwrap builds / and /dev as tmpfs owned by the sandbox's user, which could then
        # write to them (unbounded, and kept between checks): make both read-only.
        "--remount-ro", "/dev", "--remount-ro", "/",
        "--chdir", "/tmp",
        python, "-I", "-B", "-c", bootstrap,
    ]


def namespaces_unavailable() -> str:
    """Why full isolation cannot even be tried here, or '' (starting a sandbox tells the rest)."""
    if not sys.platform.startswith("linux"):
        return f"Linux namespaces do not exist on {sys.platform}"
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed"
    return ""


class Zygote:
    """One running sandbox: the bwrap process and the pipes to the zygote inside."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.cgroup = PidsCgroup.create(limits.processes + CGROUP_SLACK)
        answers_r, answers_w = os.pipe()
        self.links, links_child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.proc = subprocess.Popen(
                bwrap_command(limits, answers_w, links_child.fileno()),
                env=clean_environment(Path("/tmp")),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                pass_fds=(answers_w, links_child.fileno()), process_group=0, close_fds=True,
                preexec_fn=self.cgroup.enter if self.cgroup else None,
            )
        except OSError as exc:
            os.close(answers_r)
            self.links.close()
            self._remove_cgroup()
            raise SandboxStartError(f"cannot start bubblewrap: {exc}") from exc
        finally:
            os.close(answers_w)
            links_child.close()
        self.answers = answers_r
        self.log = Capture(8 << 10)  # the zygote's own stdout and stderr, for diagnosis

    def call(self, job: dict, link: socket.socket) -> dict | None:
        """Send one job and its link to the world; its answer, or None when the sandbox died or overran."""
        try:
            socket.send_fds(self.links, [b"L"], [link.fileno()])
        except OSError:
            return None
        body = json.dumps(job).encode()
        return self.answer(self.limits.wall_seconds + GRACE_SECONDS, send=HEADER.pack(len(body)) + body)

    def answer(self, seconds: float, send: bytes = b"") -> dict | None:
        """Write ``send``, then the zygote's next answer; None when it does not come within ``seconds``.

        The job is written as the sandbox takes it, under the same deadline: a sandbox
        that stops reading cannot hold the trusted side past its wall clock.
        """
        frame = self._exchange(send, time.monotonic() + seconds)
        if frame is None:
            return None
        try:
            answer = json.loads(frame)
        except ValueError:
            return None
        return answer if isinstance(answer, dict) else None

    def _exchange(self, send: bytes, deadline: float) -> bytes | None:
        buffer, pending = bytearray(), memoryview(send)
        selector = selectors.DefaultSelector()
        streams = {self.proc.stdout.fileno(): self.log, self.proc.stderr.fileno(): self.log}
        for fd in (self.answers, *streams):
            os.set_blocking(fd, False)
            selector.register(fd, selectors.EVENT_READ)
        jobs = self.proc.stdin.fileno()
        if pending:
            os.set_blocking(jobs, False)
            selector.register(jobs, selectors.EVENT_WRITE)
        try:
            while True:
                if len(buffer) >= HEADER.size:
                    (size,) = HEADER.unpack_from(buffer)
                    if size > MAX_FRAME:
                        return None
                    if len(buffer) >= HEADER.size + size:
                        return bytes(buffer[HEADER.size:HEADER.size + size])
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                for key, _ in selector.select(timeout=min(remaining, 0.5)):
                    if key.fd == jobs:
                        try:
                            pending = pending[os.write(jobs, pending):]
                        except BlockingIOError:
                            continue
                        except OSError:  # the sandbox is gone
                            return None
                        if not pending:
                            selector.unregister(jobs)
                        continue
                    try:
                        chunk = os.read(key.fd, 1 << 16)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        selector.unregister(key.fd)
                        if key.fd == self.answers:
                            return None  # the zygote is gone
                    elif key.fd == self.answers:
                        buffer += chunk
                    else:
                        streams[key.fd].feed(chunk)
        finally:
            selector.close()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        """End the sandbox: every process in it dies with its init."""
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            stream.close()
        os.close(self.answers)
        self.links.close()
        self._remove_cgroup()

    def _remove_cgroup(self) -> None:
        if self.cgroup is not None:
            self.cgroup.remove()


class NamespaceSandbox:
    """Grades a submission's checks one after another in one bubblewrap sandbox."""

    isolation = "namespaces"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._zygote: Zygote | None = None

    def __enter__(self) -> NamespaceSandbox:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def start(self) -> Zygote:
        """The running sandbox, started when needed; SandboxStartError if it cannot start."""
        if self._zygote is not None and self._zygote.alive():
            return self._zygote
        self.close()
        zygote = Zygote(self.limits)
        # The zygote says it is ready once it has imported the harness: proof that the
        # sandbox works before any check relies on it.
        if not (zygote.answer(self.limits.wall_seconds) or {}).get("ready"):
            zygote.close()
            reason = zygote.log.text().strip().splitlines()
            raise SandboxStartError("bubblewrap could not start a sandbox"
                                    + (f": {reason[-1][:300]}" if reason else ""))
        self._zygote = zygote
        return zygote

    @staticmethod
    def link_fd(link: socket.socket) -> int:
        """The fd number the check's process will have ``link`` as."""
        return LINK_FD

    def run(self, module: str, source: bytes, request: dict, link: socket.socket) -> ChildOutcome:
        """Run one check of ``module`` (its source given) in the sandbox, driven by a world over ``link``.

        ``request`` is a :class:`gradekit.harness.driver.DriverRequest` as a dict; ``link`` is
        the student's end of the world's socket, passed to the check's process.
        """
        zygote = self.start()
        started = time.monotonic()
        answer = zygote.call({"module": module, "source": base64.b64encode(source).decode(), "driver": request,
                              "limits": self.limits.as_dict()}, link)
        outcome = _outcome(answer, time.monotonic() - started)
        if answer is None:
            self.close()  # late or dead: the next check gets a fresh sandbox
        return outcome

    def close(self) -> None:
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None


def _b64(answer: dict, key: str, cap: int) -> bytes:
    try:
        return base64.b64decode(str(answer.get(key, "")), validate=True)[:cap]
    except (binascii.Error, ValueError):
        return b""


def _outcome(answer: dict | None, wall: float) -> ChildOutcome:
    """The zygote's answer as a ChildOutcome; anything malformed reads as a silent crash."""
    if not isinstance(answer, dict):
        return ChildOutcome(returncode=None, timed_out=True, stdout="", stderr="", wall_seconds=round(wall, 3))
    returncode = answer.get("returncode")
    return ChildOutcome(
        returncode=returncode if isinstance(returncode, int) else None,
        timed_out=answer.get("timed_out") is True,
        stdout=_b64(answer, "stdout", 1 << 20).decode("utf-8", errors="replace"),
        stderr=_b64(answer, "stderr", 1 << 20).decode("utf-8", errors="replace"),
        wall_seconds=round(wall, 3),
        phases={k: v for k, v in (answer.get("phases") or {}).items() if isinstance(v, float)}
        if isinstance(answer.get("phases"), dict) else {},
    )
