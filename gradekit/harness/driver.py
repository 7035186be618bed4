"""The student's process in a check: imports the module and does what the world asks.

It never sees a scenario. The world (:mod:`gradekit.world`, outside the sandbox) runs the
scenario and sends ``call`` messages: call this function of the student's module (or a
method of an object it returned, or a function of the exercise's public driver code)
with these arguments. The driver runs each call as a task on its event loop and sends
back what it returned or raised. Everything the checks judge (calls of the fakes, their
times, the clock) is recorded by the world.

Time: on the virtual clock this process never moves its own clock. When its loop has
nothing to run it tells the world ``idle`` (with its next timer), and waits; the world
answers with the new ``time`` once nothing else in the world can happen first.
``time.sleep`` on the loop's thread asks the world to move the clock while this process
stays blocked, so a blocking sleep costs no real time and is seen by the world.
"""

from __future__ import annotations

import asyncio
import concurrent.futures.thread  # noqa: F401 (asyncio imports it lazily, at a student's first to_thread: not their time)
import contextlib
import functools
import importlib
import importlib.util
import inspect
import io
import json
import os
import socket
import sys
import traceback
import warnings
from dataclasses import dataclass

from gradekit.harness import realtime
from gradekit.harness.hygiene import HygieneProbe
from gradekit.harness.link import ChildLink, LinkClosed
from gradekit.harness.loop import VIRTUAL_EPOCH, VIRTUAL_WALL_EPOCH, GradingLoop, VirtualClock, install_loop_factory
from gradekit.sources import load_source

OUTPUT_CAP = 64 << 10  # characters of printed output sent to the world


@dataclass
class DriverRequest:
    """What the world tells the student's process before the module is imported."""

    module: str
    clock: str = "virtual"  # or "real"
    debug: bool = False
    outside_loop: bool = False  # calls run with no event loop (code that calls asyncio.run itself)
    driver_source: str | None = None  # the exercise's public driver code, for h.driver
    import_limit: float = 5.0
    sockets: int = 0  # unconnected TCP sockets of this process's network to give the world
    folder: bool = False  # give the world a folder of this process's file system


class MissingFromModule(BaseException):
    """The student's module lacks a name the world called (the world rebuilds it by name and ends the scenario)."""


class LinkedLoop(GradingLoop):
    """A grading loop whose virtual clock belongs to the world."""

    def __init__(self, clock: VirtualClock | None, link: ChildLink) -> None:
        self._link = link
        super().__init__(clock)
        self._link_fd = link.sock.fileno()
        self.add_reader(self._link_fd, self._pump)
        #: When the loop last stopped waiting (None while it waits): read by the Locator thread.
        self.running_since: float | None = None
        select = self._selector.select

        def timed(timeout: float | None = None):
            self.running_since = None
            try:
                return select(timeout)
            finally:
                self.running_since = realtime.perf_counter()

        self._selector.select = timed

    def _pump(self) -> None:
        try:
            self._link.pump()
        except LinkClosed:
            self.stop()

    def _external_running(self) -> int:
        return max(0, sum(1 for f in self._external if not f.done()) - self._link.blocked_threads)

    def _virtual_select(self, timeout: float | None = None):
        ready = self._real_select(0)
        if not ready and timeout != 0:
            until = None if timeout is None else self._clock.now + timeout
            self._link.send("idle", until=until, external=self._external_running(), seen=self._link.seen)
            ready = self._real_select(None)
        elif not ready:
            self._nudge_if_stuck()
        # World messages first: a new time must count before the loop looks for due timers.
        if any(key.fd == self._link_fd for key, _ in ready):
            self._pump()
            ready = [(key, events) for key, events in ready if key.fd != self._link_fd]
        return ready

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.remove_reader(self._link_fd)
        super().close()


class Locator:
    """Tells the world where the loop's thread is when one of its turns runs long.

    Only words for the feedback ("blocked the loop … at ex03.py:11 in polite"): whether it
    blocked, and for how long, the world measures itself.
    """

    AFTER = 0.05  # seconds of one turn of the loop

    def __init__(self, link: ChildLink, workspace: str) -> None:
        self.link, self.workspace = link, workspace
        self.loop: LinkedLoop | None = None

    def start(self) -> None:
        """Run in a bare thread of its own, dying with the process.

        Not a ``threading.Thread``: student code would find the harness's thread in
        ``threading.enumerate()`` (code that joins every other thread there would wait
        for it until the stall limit), and its bookkeeping copies pages of the zygote in
        every check (about 35 of a check's 1 100).
        """
        realtime.start_new_thread(self.run, ())

    def run(self) -> None:
        reported = None
        while not self.link.finished:
            realtime.sleep(0.02)
            loop = self.loop
            since = loop.running_since if loop is not None else None
            if since is None or since == reported or realtime.perf_counter() - since < self.AFTER:
                continue
            reported = since
            where = student_location(realtime.current_frames().get(realtime.MAIN_THREAD_ID), self.workspace)
            if where:
                with contextlib.suppress(OSError):
                    self.link.send("stalled", where=where)


def student_location(frame, workspace: str) -> str:
    """The innermost frame of ``frame``'s stack in the student's module, as "file:line in function"."""
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(workspace):
            return f"{os.path.basename(filename)}:{frame.f_lineno} in {frame.f_code.co_name}"
        frame = frame.f_back
    return ""


class _LinkWriter(io.TextIOBase):
    """``sys.stdout``: each write goes to the world, which notes when it came."""

    def __init__(self, link: ChildLink) -> None:
        self._link = link
        self._left = OUTPUT_CAP

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        if text and self._left > 0:
            piece = text[:self._left]
            self._left -= len(piece)
            self._link.send("write", text=piece)
        return len(text)


class _Sleep:
    """``time.sleep``: on the loop's thread, a request to the world to move the clock."""

    def __init__(self, link: ChildLink) -> None:
        self._link = link

    def __call__(self, seconds: float) -> None:
        seconds = float(seconds)
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        if self._link.clock is None or realtime.get_ident() != realtime.MAIN_THREAD_ID:
            return realtime.sleep(seconds)
        self._link.send("sleep", seconds=seconds)
        self._link.wait_for_time()
        return None


def _patch_time(link: ChildLink) -> None:
    """On the virtual clock, ``time.*`` in the loop's thread read the world's clock."""
    import time

    clock = link.clock
    if clock is None:
        return

    def now() -> float:
        return clock.now if realtime.get_ident() == realtime.MAIN_THREAD_ID else realtime.monotonic()

    def wall() -> float:
        if realtime.get_ident() == realtime.MAIN_THREAD_ID:
            return VIRTUAL_WALL_EPOCH + (clock.now - VIRTUAL_EPOCH)
        return realtime.wall_time()

    time.monotonic = time.perf_counter = now
    time.time = wall
    time.monotonic_ns = time.perf_counter_ns = lambda: int(now() * 1e9)
    time.time_ns = lambda: int(wall() * 1e9)
    time.sleep = _Sleep(link)


class Driver:
    """Serves the world's calls for one check."""

    def __init__(self, link: ChildLink, request: DriverRequest, student, driver_module) -> None:
        self.link = link
        self.request = request
        self.student = student
        self.driver_module = driver_module
        self.tasks: dict[int, asyncio.Task] = {}
        self.queued: list[dict] = []  # calls to run with no loop (outside_loop)
        self.loop: asyncio.AbstractEventLoop | None = None  # where calls run (not outside_loop)
        link.on_call = self._on_call
        link.on_cancel = self._on_cancel
        link.on_ping = self._on_ping

    def _target(self, target):
        if isinstance(target, str):
            try:
                return getattr(self.student, target)
            except AttributeError:
                raise MissingFromModule(f"module {self.request.module!r} has no attribute {target!r}") from None
        if isinstance(target, dict) and "driver" in target:
            return getattr(self.driver_module, target["driver"])
        return getattr(self.link.handles[target["handle"]], target["method"])

    def _on_call(self, message: dict) -> None:
        if self.request.outside_loop:
            self.queued.append(message)
            return
        self.tasks[message["id"]] = self.loop.create_task(self._serve(message))

    def _on_ping(self, number: int) -> None:
        if self.loop is None:
            self.link.send("pong", id=number)
        else:
            self.loop.call_soon(functools.partial(self.link.send, "pong", id=number))

    def _on_cancel(self, call_id: int) -> None:
        task = self.tasks.get(call_id)
        if task is not None:
            task.cancel()

    async def _serve(self, message: dict) -> None:
        call_id = message["id"]
        try:
            result = self._start(message)
            if inspect.isawaitable(result) and not message.get("keep"):
                result = await result
        except BaseException as exc:  # the student's code may raise anything, SystemExit included
            self._send_raised(call_id, exc)
        else:
            self._send_returned(call_id, result)
        finally:
            self.tasks.pop(call_id, None)

    def _start(self, message: dict):
        fn = self._target(message["target"])
        args = self.link.decode(message.get("args") or [])
        kwargs = self.link.decode(message.get("kwargs") or {})
        return fn(*args, **kwargs)

    def _send_returned(self, call_id: int, result) -> None:
        self.link.send("returned", id=call_id, value=self.link.encode(result))

    def _send_raised(self, call_id: int, exc: BaseException) -> None:
        self.link.send("raised", id=call_id, error=self.link.describe(exc))

    def serve_outside_loop(self) -> None:
        """Run queued calls one by one with no loop running (the functions start their own)."""
        while not self.link.finished:
            while self.queued:
                message = self.queued.pop(0)
                try:
                    result = self._start(message)
                except BaseException as exc:
                    self._send_raised(message["id"], exc)
                else:
                    self._send_returned(message["id"], result)
            if not self.link.finished:
                self.link.send("idle", until=None, external=0, seen=self.link.seen)
                self.link.pump(block=True)

    async def serve(self, probe: HygieneProbe) -> None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(probe.loop_exception_handler)
        finished = loop.create_future()
        self.link.on_finish = lambda: finished.done() or finished.set_result(None)
        if not self.link.finished:
            await finished  # the world ends the check
        # No more round trips: the world's exceptions kept for identity must not pin the
        # student's frames (and their tasks) past the hygiene probe's gc.collect().
        self.link._world_objects.clear()
        mine = {asyncio.current_task(), *self.tasks.values()}
        for task in probe.note_pending(loop, exclude=mine):
            task.cancel()


def _import(link: ChildLink, request: DriverRequest, workspace: str):
    """The student's module, loaded from its file in ``workspace`` as ``import`` would.

    Straight from its spec rather than through ``import``'s search of ``sys.path``: the
    file is known, and the search (path hooks, a new finder listing the folder) is a
    fifth of a check's import cost. What the module finds is the same: ``__spec__``,
    ``__file__``, its entry in ``sys.modules`` (and whatever it put there itself).
    """
    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            spec = importlib.util.spec_from_file_location(request.module, os.path.join(workspace, f"{request.module}.py"))
            module = importlib.util.module_from_spec(spec)
            sys.modules[request.module] = module
            spec.loader.exec_module(module)
            return sys.modules[request.module]
    except BaseException as exc:  # a broken module can raise anything, even SystemExit
        link.send("import_error", error=link.describe(exc), output=captured.getvalue()[-4000:])
        os._exit(0)


def _provisions(request: DriverRequest, workspace: str) -> tuple[list[int], str]:
    """What the world asked for before the student's module is imported: fds and the folder's path.

    Sockets made here belong to this process's network (the sandbox's own loopback), so
    the world's test clients reach a server the student's code starts; the folder
    (``data`` in the check's folder) is where the world lets the student's code keep files
    it reads from outside after the run. Neither stays in this process: the world holds
    the only references, which the student's code never sees.
    """
    fds = [socket.socket(socket.AF_INET, socket.SOCK_STREAM).detach() for _ in range(request.sockets)]
    if not request.folder:
        return fds, ""
    folder = os.path.join(workspace, "data")
    os.mkdir(folder, 0o755)
    fds.append(os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
    return fds, folder


def run(request: DriverRequest, link_fd: int, engine_path: str | None = None) -> None:
    """Run one check in this process (its working folder holds the student's module); never returns.

    ``engine_path`` is a folder the caller added to ``sys.path`` to reach the engine (a kit
    checkout, which also holds the graders): it goes before student code runs.
    """
    workspace = os.getcwd() + os.sep
    clock = VirtualClock() if request.clock == "virtual" else None
    link = ChildLink(link_fd, clock, workspace)
    driver_module = load_source("gradekit_driver", request.driver_source) if request.driver_source else None
    install_loop_factory(lambda: LinkedLoop(clock, link))
    _patch_time(link)
    sys.path[:] = [p for p in sys.path if p and p != engine_path]
    sys.path.insert(0, workspace)
    # No importlib.invalidate_caches(): it would mark every finder this process inherited
    # stale (a page copied for each, and the folders listed again at the next import),
    # when only the check's own folder is new.
    sys.path_importer_cache.pop(workspace, None)
    fds, folder = _provisions(request, workspace)
    # The kernel stamps this process's pid on "start" for the world; what the world asked
    # for travels with it, before any student code runs, and leaves this process with it.
    link.send("start", fds=fds, **({"folder": folder} if folder else {}))
    for fd in fds:
        os.close(fd)
    student = _import(link, request, workspace)
    if driver_module is not None:
        driver_module.student = student  # the exercise's driver code calls the student's functions
    sys.stdout = _LinkWriter(link)
    link.send("hello")
    driver = Driver(link, request, student, driver_module)
    locator = Locator(link, workspace)
    locator.start()
    try:
        if not request.outside_loop:
            # Made before the probe switches asyncio's log to DEBUG, where each new loop
            # logs its selector (a log record the probe would only throw away).
            loop = driver.loop = locator.loop = asyncio.new_event_loop()
        with HygieneProbe() as probe:
            if request.outside_loop:
                driver.serve_outside_loop()
            else:
                loop.set_debug(request.debug)
                asyncio.set_event_loop(loop)
                with contextlib.suppress(LinkClosed, RuntimeError):
                    loop.run_until_complete(driver.serve(probe))
        link.send("report", hygiene=probe.result.as_dict())
    except LinkClosed:
        pass
    except BaseException:  # a driver bug (or a submission breaking it): its trace is the process's last output
        traceback.print_exc(file=sys.__stderr__)
    finally:
        with contextlib.suppress(Exception):
            warnings.resetwarnings()
        os._exit(0)


def main(engine_path: str | None = None) -> None:
    """Spawn-per-check entry (the fallback sandbox): one JSON line on stdin, the link's fd in it."""
    raw = json.loads(sys.stdin.readline())
    sys.stdin.close()
    sys.stdin = io.StringIO()
    run(DriverRequest(**raw["driver"]), raw["link_fd"], engine_path)
