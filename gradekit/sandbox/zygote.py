"""PID 1 of a submission's sandbox: imports the harness once, forks one child per check.

Runs *inside* the namespaces (see :mod:`gradekit.sandbox.namespaces`), started as
``python -I -c "...; from gradekit.sandbox.zygote import main; main(answers_fd, links_fd)"``.
Jobs arrive on stdin and answers leave on ``answers_fd``, each a length-prefixed JSON
frame:

* first, unasked: ``{"ready": true}`` once the harness is imported;
* job: ``{"module", "source" (base64), "driver" (a DriverRequest), "limits"}``, and with it,
  on ``links_fd``, the check's end of its link to the world (``SCM_RIGHTS``);
* answer: ``{"returncode", "timed_out", "stdout", "stderr", "wall_seconds"}``.

For each check it empties ``/tmp`` and forks; the child reads the job and its link itself
(the zygote never holds a job, so no later check finds one in the memory it inherits),
writes the student's module into ``/tmp/check``, tells the zygote its limits, applies
them and runs the driver (:func:`gradekit.harness.driver.run`). Because the zygote is the namespace's
init, ``kill(-1, SIGKILL)`` after each check ends every process the check started,
daemons in a new session included, and nothing the check runs can kill or stop the
zygote (the kernel drops signals to an init from inside its namespace unless it
handles them) or trace it (it is not dumpable).
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import fcntl
import gc
import json
import os
import resource
import shutil
import signal
import socket
import stat
import struct
import sys
import time

from gradekit.harness import driver
from gradekit.sandbox.capture import Capture, pump
from gradekit.sandbox.limits import Limits

HEADER = struct.Struct(">I")
MAX_FRAME = 16 << 20
REQUESTS_FD = 0
LINK_FD = 4  # where a world-run check's child finds its link to the world
SCRATCH = "/tmp"
PR_SET_DUMPABLE = 4
#: Imported once here so that no check pays for them (ex09 uses aiosqlite).
WARM_IMPORTS = ("aiosqlite", "sqlite3", "concurrent.futures.thread", "socket", "selectors", "random", "decimal")


class ProtocolError(Exception):
    """The trusted side sent something that is not a job frame."""


def read_frame(fd: int) -> bytes | None:
    """One frame from ``fd``, or None at end of file."""
    header = _read_exactly(fd, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > MAX_FRAME:
        raise ProtocolError(f"frame of {size} bytes is over the {MAX_FRAME}-byte limit")
    body = _read_exactly(fd, size)
    if body is None:
        raise ProtocolError("the stream ended inside a frame")
    return body


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, remaining = [], size
    while remaining:
        chunk = os.read(fd, remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def write_frame(fd: int, body: bytes) -> None:
    data = HEADER.pack(len(body)) + body
    while data:
        data = data[os.write(fd, data):]


#: libc's prctl, looked up once by the zygote: each check's child calls it (a fresh
#: ``CDLL`` there would redo the lookup and copy the pages it touches).
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl


def _set_dumpable(flag: bool) -> None:
    _PRCTL(PR_SET_DUMPABLE, int(flag), 0, 0, 0)


def _rmtree_hook(handler) -> dict:
    """rmtree's error hook: ``onexc`` from 3.12 on, where ``onerror`` is deprecated."""
    return {"onexc": handler} if sys.version_info >= (3, 12) else {"onerror": handler}


def wipe(folder: str) -> None:
    """Remove everything in ``folder`` (a check may leave read-only or unlistable folders)."""

    def unlock(function, path, _exc_info) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(path), stat.S_IRWXU)
            os.chmod(path, stat.S_IRWXU)
            function(path)

    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, stat.S_IRWXU)
            shutil.rmtree(path, **_rmtree_hook(unlock))
        else:
            with contextlib.suppress(OSError):
                os.unlink(path)


def kill_all_but_me() -> None:
    """SIGKILL every other process of the namespace, then reap them all."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(-1, signal.SIGKILL)
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def _child(pipes: tuple[int, int, int], links_fd: int) -> None:
    """In the forked child: read this check's job and link, tell the zygote its limits, set up, run.

    The job (the student's module) is read here, never by the zygote, so no later check
    can find it in the memory it inherits from the zygote.
    """
    control_w, out_w, err_w = pipes
    try:
        frame = read_frame(REQUESTS_FD)
        if frame is None:
            os._exit(0)  # the trusted side closed the sandbox: the zygote sees no limits and stops
        job = json.loads(frame)
        limits = Limits(**job["limits"])
        folder = os.path.join(SCRATCH, "check")
        os.mkdir(folder)
        with open(os.path.join(folder, f"{job['module']}.py"), "wb") as f:
            f.write(base64.b64decode(job["source"]))
        link = _receive_link(links_fd)
        write_frame(control_w, json.dumps(limits.as_dict()).encode())
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        os.dup2(link, LINK_FD)
        os.closerange(LINK_FD + 1, 1 << 16)
        os.closerange(3, LINK_FD)
        _set_dumpable(True)  # the zygote stays untraceable; the check's own process need not be
        os.chdir(folder)
        limits.apply(count_processes=True)
        driver.run(driver.DriverRequest(**job["driver"]), LINK_FD)
    finally:
        os._exit(70)


def _receive_link(links_fd: int) -> int:
    """This check's end of its link to the world, passed by the trusted side with the job."""
    links = socket.socket(fileno=os.dup(links_fd))
    try:
        _, fds, _, _ = socket.recv_fds(links, 1, 1)
    finally:
        links.close()
    if not fds:
        raise ProtocolError("a world-run job came without its link")
    high = fcntl.fcntl(fds[0], fcntl.F_DUPFD, 100)  # clear of the fds dup2'd into place next
    os.close(fds[0])
    return high


def run_next(links_fd: int) -> dict | None:
    """Fork a child for the next job and supervise it; its answer, or None at end of input."""
    wipe(SCRATCH)
    pipes = [os.pipe() for _ in range(3)]  # control, stdout, stderr
    forked_at = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        for read_end, _ in pipes:
            os.close(read_end)
        _child(tuple(w for _, w in pipes), links_fd)
    for _, write_end in pipes:
        os.close(write_end)
    control_r, out_r, err_r = (r for r, _ in pipes)
    try:
        header = read_frame(control_r)  # the job arrived, or the child is gone
    except ProtocolError:
        header = None
    os.close(control_r)
    started = time.monotonic()
    if header is None:
        kill_all_but_me()
        for fd in (out_r, err_r):
            os.close(fd)
        return None
    limits = Limits(**json.loads(header))
    status: list[int | None] = []
    usage: list[resource.struct_rusage] = []  # the check's own process, for benchmarks

    def exited() -> bool:
        if not status:
            try:
                done, code, used = os.wait4(pid, os.WNOHANG)
            except ChildProcessError:  # already reaped by kill_all_but_me: its status is lost
                done, code, used = pid, None, None
            if done:
                status.append(code)
                if used is not None:
                    usage.append(used)
        return bool(status)

    streams = {out_r: Capture(limits.output_bytes), err_r: Capture(limits.output_bytes)}
    deadline = started + limits.wall_seconds
    timed_out = pump(streams, deadline, exited, kill_all_but_me)
    # The pipes close a moment before the child can be reaped (or long before, if it
    # closed them itself and went on running): wait for it until the deadline.
    while not timed_out and not exited() and time.monotonic() < deadline:
        time.sleep(0.001)
    timed_out = timed_out or not exited()
    kill_all_but_me()
    for fd in streams:
        os.close(fd)
    returncode = os.waitstatus_to_exitcode(status[0]) if status and status[0] is not None and not timed_out else None
    return {
        "returncode": returncode,
        "timed_out": timed_out,
        "stdout": base64.b64encode(streams[out_r].raw()).decode(),
        "stderr": base64.b64encode(streams[err_r].raw()).decode(),
        "wall_seconds": round(time.monotonic() - started, 3),
        "phases": {"forked": forked_at, "cleaned": time.perf_counter(), **_costs(usage)},  # for benchmarks
    }


def _costs(usage: list[resource.struct_rusage]) -> dict[str, float]:
    """What the check's process cost (benchmarks/sandbox.py): CPU seconds and page faults."""
    if not usage:
        return {}
    used = usage[0]
    return {"child_user_s": used.ru_utime, "child_system_s": used.ru_stime, "child_faults": float(used.ru_minflt)}


def _warm_up() -> None:
    for name in WARM_IMPORTS:
        with contextlib.suppress(Exception):
            __import__(name)
    # Everything imported so far lives as long as the zygote: keeping it out of the
    # collector makes each check's gc.collect() (the hygiene probe) cheap, and stops
    # the collector from touching, and so copying, the pages each fork shares.
    gc.collect()
    gc.freeze()


def main(answers_fd: int, links_fd: int) -> None:
    if os.getpid() != 1:
        # kill(-1) outside a PID namespace would reach every process of this user.
        sys.exit("the zygote must run as PID 1 of its own PID namespace")
    _set_dumpable(False)
    _warm_up()
    write_frame(answers_fd, json.dumps({"ready": True}).encode())
    before = resource.getrusage(resource.RUSAGE_SELF)
    while (answer := run_next(links_fd)) is not None:
        after = resource.getrusage(resource.RUSAGE_SELF)
        # The zygote's own share of each check (its fork, the copies it makes of its pages
        # afterwards, the capture), for benchmarks/sandbox.py.
        answer["phases"]["zygote_s"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        answer["phases"]["zygote_faults"] = float(after.ru_minflt - before.ru_minflt)
        before = after
        write_frame(answers_fd, json.dumps(answer).encode())
