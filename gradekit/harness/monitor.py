"""Blocking detection that a virtual clock cannot replace and a busy machine cannot fake.

Every callback the event loop runs is measured on the loop's thread, and a callback
that kept the loop from running anything else is a *stall* of one of three kinds:

``time.sleep``
    called on the loop's thread, it is intercepted and recorded with its exact
    duration; on a virtual clock it moves that clock instead of costing real time,
    so a blocking solution is both caught and as late as it would be in reality.
``busy``
    the CPU time the thread spent in the student's code during the callback reached
    :data:`CPU_STALL`. CPU time of the thread, not wall time: waiting for a core on a
    saturated machine costs none. Garbage-collection passes are left out.
``blocking``
    the time the thread spent *waiting* during the callback (blocking I/O, a lock, a
    thread it joined) reached ``real_threshold``: the wall time minus the thread's CPU
    time, minus the time it was ready to run but had no core (its run-queue time, from
    Linux's ``/proc/thread-self/schedstat``), minus intercepted sleeps, minus the
    run-queue time of the process's other threads meanwhile (a lock or the GIL held by
    a thread that is itself waiting for a core is the machine's doing, not the code's).

Whose time it was is *sampled*: every :data:`SAMPLE_INTERVAL`, while a callback runs, a
sampler thread looks at the loop thread's stack and credits the CPU and waiting time
since its previous look to the student when a frame of the student's module is on the
stack (their code, or anything it called, a grader's fake included), and to someone else
otherwise: the grader's scenario preparing its data, aiosqlite's or asyncio's own
callbacks, the harness. A stall counts only the student's share. Time no look could
credit (the sampler itself waited for a core, or one call into C held the GIL throughout,
``sum(range(10**8))``) is the student's if their code ran in that callback: Python 3.12+
knows it from ``sys.monitoring``; 3.11 from the callback being a function of theirs or
resuming a coroutine of theirs, so there one long call into C in the very first step of
their coroutine is caught only when a look lands in it.

Prior art: statistical profilers (py-spy, pyinstrument) sample stacks the same way;
asyncio's debug mode times callbacks (``slow_callback_duration``) on the wall clock only.

Margins, measured on every reference and alternative of every exercise graded again and
again with every core saturated (``check --stress``, up to four busy processes on two
cores): the student's busy time in one callback stayed under 2 ms (CPU_STALL: 20 ms) and
their blocking time under 9 ms (thresholds: 50 ms on the real clock, 0.25 s on the
virtual one), while the wall time of one callback reached 0.30 s, the loop thread's
run-queue time in one callback 0.17 s, and the scenario's own CPU in one callback 11 ms:
what the wall clock alone would have blamed on the student.
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

from gradekit.harness import realtime

#: CPU seconds in one callback, spent in the student's code, above which the loop counts as busy-blocked.
CPU_STALL = 0.02
#: Seconds between two looks at the loop thread's stack.
SAMPLE_INTERVAL = 0.005
#: CPU seconds between two looks beyond which the loop thread held on to the GIL (one long call
#: into C, ``sum(range(10**8))``): the frame a late look finds may be past the code that ran.
LATE_LOOK = 3 * SAMPLE_INTERVAL
_MAX_THREADS = 64  # other threads whose run-queue time is followed


@dataclass
class Stall:
    kind: str  # "time.sleep", "busy" (CPU) or "blocking" (waited)
    seconds: float
    where: str

    def as_dict(self) -> dict:
        return asdict(self)


def student_location(frame, workspace: str) -> str:
    """The innermost frame of ``frame``'s stack that belongs to the student's code."""
    fallback = ""
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(workspace):
            return f"{os.path.basename(filename)}:{frame.f_lineno} in {frame.f_code.co_name}"
        if not fallback:
            fallback = f"{frame.f_code.co_name}"
        frame = frame.f_back
    return fallback


def _student_frame(frame, workspace: str) -> str | None:
    """Where the student's innermost frame on ``frame``'s stack is, or None if none is.

    Also None while a module is being loaded on the student's behalf (``import`` inside a
    coroutine, or asyncio's first executor importing ``concurrent.futures.thread``): reading
    a module from a cold disk is the machine's time, not their code's.
    """
    while frame is not None:
        code = frame.f_code
        if code.co_filename.startswith(workspace):
            return f"{os.path.basename(code.co_filename)}:{frame.f_lineno} in {code.co_name}"
        if code.co_filename.startswith("<frozen importlib._bootstrap"):
            return None
        frame = frame.f_back
    return None


class ThreadClocks:
    """Run-queue time of this process's threads: time ready to run but without a core.

    Linux only (``/proc/<tid>/schedstat``); elsewhere every reading is 0, and stalls are
    judged on CPU and wall time alone.
    """

    def __init__(self) -> None:
        self.own_tid = realtime.get_native_id()
        self.ignored: set[int] = set()  # threads of the harness that only wake up to look (the sampler)
        self._own = self._open(f"/proc/self/task/{self.own_tid}/schedstat")
        self._others: dict[int, int] = {}  # tid -> open schedstat file
        self._lock = realtime.allocate_lock()  # others() runs on the sampler and, rarely, the loop thread

    @staticmethod
    def _open(path: str) -> int | None:
        try:
            return os.open(path, os.O_RDONLY)
        except OSError:
            return None

    @staticmethod
    def _runq(fd: int | None) -> int | None:
        """Nanoseconds spent on a run queue (the second field of schedstat)."""
        if fd is None:
            return None
        try:
            return int(os.pread(fd, 128, 0).split()[1])
        except (OSError, IndexError, ValueError):
            return None

    def own(self) -> float:
        """Seconds the thread that built this object has spent waiting for a core."""
        ns = self._runq(self._own)
        return 0.0 if ns is None else ns / 1e9

    def others(self) -> dict[int, int]:
        """Run-queue nanoseconds of every other thread of the process, by thread id."""
        with self._lock:
            return self._read_others()

    def _read_others(self) -> dict[int, int]:
        try:
            tids = {int(name) for name in os.listdir("/proc/self/task")} - {self.own_tid} - self.ignored
        except OSError:
            return {}
        for tid in list(self._others):
            if tid not in tids:
                os.close(self._others.pop(tid))
        readings = {}
        for tid in sorted(tids)[:_MAX_THREADS]:
            if tid not in self._others:
                fd = self._open(f"/proc/self/task/{tid}/schedstat")
                if fd is None:
                    continue
                self._others[tid] = fd
            ns = self._runq(self._others[tid])
            if ns is not None:
                readings[tid] = ns
        return readings


def _others_delta(before: dict[int, int] | None, after: dict[int, int], longest: bool = False) -> float:
    """Seconds the other threads waited for a core between two readings: in all, or the ``longest`` wait.

    A thread born in between counts whole: a loop thread that starts a thread (aiosqlite's
    connection, an executor's worker) waits until the new thread first runs.
    """
    if before is None:
        return 0.0
    waits = [max(0, ns - before.get(tid, 0)) for tid, ns in after.items()]
    return (max(waits, default=0) if longest else sum(waits)) / 1e9


# -- process-wide probes, installed once however many monitors a process makes ------------
_gc_cpu: dict[int, float] = {}  # thread ident -> CPU seconds that thread spent collecting garbage
_gc_started: dict[int, float] = {}
_watch = {"workspace": None, "monitor": None}  # sys.monitoring: whose code, and which monitor to tell


def _on_gc(phase: str, info: dict) -> None:
    ident = realtime.get_ident()
    if phase == "start":
        _gc_started[ident] = realtime.thread_time()
    elif ident in _gc_started:
        _gc_cpu[ident] = _gc_cpu.get(ident, 0.0) + realtime.thread_time() - _gc_started.pop(ident)


def _watch_student_code(workspace: str) -> bool:
    """Python 3.12+: tell the active monitor whenever code of ``workspace`` starts or resumes.

    The looks can miss code that holds the GIL from start to end; ``sys.monitoring`` cannot.
    It costs one call per start of the student's functions: every other code object is
    switched off (``DISABLE``) the first time it runs, so one workspace per process.
    """
    if _watch["workspace"] is not None:
        return _watch["workspace"] == workspace
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is None:
        return False
    free = [tool for tool in (4, 3) if monitoring.get_tool(tool) is None]  # 0-2 and 5 are claimed by convention
    if not free:
        return False
    tool, disable = free[0], monitoring.DISABLE
    monitoring.use_tool_id(tool, "gradekit")

    def started(code, offset):
        if not code.co_filename.startswith(workspace):
            return disable
        monitor = _watch["monitor"]
        current = monitor._current if monitor is not None else None
        if current is not None and realtime.get_ident() == monitor._loop_thread:
            current.touched = code
        return None

    for event in (monitoring.events.PY_START, monitoring.events.PY_RESUME):
        monitoring.register_callback(tool, event, started)
    monitoring.set_events(tool, monitoring.events.PY_START | monitoring.events.PY_RESUME)
    _watch["workspace"] = workspace
    return True


class _Callback:
    """One running callback: where its clocks started, and what the sampler credited to whom."""

    __slots__ = ("handle", "cpu0", "wall0", "runq0", "gc0", "others0", "samples", "touched")

    def __init__(self, handle, cpu0: float, wall0: float, runq0: float, gc0: float, others0) -> None:
        self.handle = handle
        self.cpu0, self.wall0, self.runq0, self.gc0, self.others0 = cpu0, wall0, runq0, gc0, others0
        self.samples = _Samples(cpu0, wall0, runq0, gc0)
        self.touched = None  # the student's code that ran in this callback (from sys.monitoring or the task), if known


class _Samples(NamedTuple):
    """What the looks at one callback found; replaced as a whole by each look, so never half-updated."""

    cpu: float  # the loop thread's clocks at the last look
    wall: float
    runq: float
    gc: float
    student_cpu: float = 0.0  # seconds credited to the student's code
    other_cpu: float = 0.0  # … and to someone else's
    student_wait: float = 0.0
    other_wait: float = 0.0
    looks: int = 0
    where: str | None = None  # the student's innermost frame, last seen
    last_was_student: bool = False


@dataclass
class Monitor:
    """Times loop callbacks; shared by every grading loop in the child."""

    workspace: str
    real_threshold: float = 0.25
    stalls: list[Stall] = field(default_factory=list)
    callback_started: float | None = None  # real perf_counter, read by the watchdog
    _slept: float = 0.0
    _current: _Callback | None = None
    _clocks: ThreadClocks | None = None
    _loop_thread: int | None = None  # the thread that runs the callbacks (the main one in the child)
    _loop_cpu_clock: int | None = None
    _others: dict | None = None  # the sampler's latest reading of the other threads
    _watching_code: bool = False  # sys.monitoring reports the student's code starting (3.12+)
    _sampling: bool = False  # a sampler thread is running (it ends once the loop has been idle a while)
    _entered: int = 0  # callbacks so far, for the sampler to tell an idle loop

    # -- the loop's thread ---------------------------------------------------------
    def enter(self, handle=None) -> None:
        if self._clocks is None:
            self._start()
        if not self._sampling and self._loop_cpu_clock is not None:
            self._sampling = True
            try:  # a bare thread: invisible to threading.enumerate(), and nothing joins it at exit
                realtime.start_new_thread(self._sample_while_busy, ())
            except RuntimeError:  # the student's threads used up the process limit: judge callbacks whole
                self._loop_cpu_clock = None
        self._entered += 1
        self._slept = 0.0
        _watch["monitor"] = self
        current = _Callback(handle, realtime.thread_time(), realtime.perf_counter(), self._clocks.own(),
                            self._gc(), self._others)
        if not self._watching_code:  # Python 3.11: a resumed coroutine of theirs is their code running
            current.touched = _student_code(handle, self.workspace)
        self._current = current
        self.callback_started = current.wall0

    def stall_so_far(self) -> float:
        """The student's CPU time in the running callback once it counts as a stall, else 0.

        Virtual clocks add it, so code that busy-waits on the clock sees time pass.
        """
        current = self._current
        if current is None:
            return 0.0
        gc_cpu = self._gc()
        cpu = realtime.thread_time()
        if cpu - current.cpu0 - (gc_cpu - current.gc0) < CPU_STALL:
            return 0.0  # nearly always: too little to matter
        samples = current.samples
        mine = samples.student_cpu
        if samples.last_was_student:  # still in the student's code since the last look
            mine += max(0.0, cpu - samples.cpu - (gc_cpu - samples.gc))
        return mine if mine >= CPU_STALL else 0.0

    def leave(self, loop) -> None:
        current, self._current, self.callback_started = self._current, None, None
        if current is None:
            return
        cpu_all = realtime.thread_time() - current.cpu0
        real = realtime.perf_counter() - current.wall0 - self._slept
        cpu = max(0.0, cpu_all - (self._gc() - current.gc0))
        if cpu < CPU_STALL and real < self.real_threshold:
            return  # nearly every callback: nothing to attribute
        waited = max(0.0, real - cpu_all - (self._clocks.own() - current.runq0))
        if waited >= self.real_threshold:
            waited = max(0.0, waited - _others_delta(current.others0, self._clocks.others()))
        if cpu < CPU_STALL and waited < self.real_threshold:
            return
        busy, blocked = self._students_share(current, cpu, waited)
        where = current.samples.where or _code_location(current.touched) or _describe(current.handle)
        if busy >= CPU_STALL:
            self.stalls.append(Stall("busy", round(busy, 3), where))
            loop.advance_clock(busy)
        elif blocked >= self.real_threshold:
            self.stalls.append(Stall("blocking", round(blocked, 3), where))
            loop.advance_clock(blocked)

    def _students_share(self, current: _Callback, cpu: float, waited: float) -> tuple[float, float]:
        """Of a callback's CPU and waiting time, the part the student's code is answerable for.

        Time the looks credited is the student's or not as they found; time no look could
        credit (the sampler itself waited for a core, or a call into C held the GIL) is the
        student's if their code ran in this callback at all.
        """
        samples = current.samples
        if current.touched is None:  # or is it suspended in their code?
            current.touched = _student_code(current.handle, self.workspace)
        theirs = current.touched is not None or samples.where is not None
        busy = samples.student_cpu + (max(0.0, cpu - samples.student_cpu - samples.other_cpu) if theirs else 0.0)
        sampled_wait = samples.student_wait + samples.other_wait
        if sampled_wait > 0:
            blocked = waited * samples.student_wait / sampled_wait
        else:
            blocked = waited if theirs else 0.0
        return busy, blocked

    def stuck_for(self) -> float:
        """Seconds the running callback has held the loop, less the time its thread waited for a core.

        For a watchdog (any thread may call it): on a saturated machine a callback can take
        a tenth of a second of wall time without running, and that is not being stuck.
        """
        current = self._current
        if current is None:
            return 0.0
        return realtime.perf_counter() - current.wall0 - (self._clocks.own() - current.runq0)

    def load_mark(self) -> tuple | None:
        """A reading for :meth:`load_since` (None before the first callback, or without /proc)."""
        if self._clocks is None:
            return None
        return self._clocks.own(), self._clocks.others()

    def load_since(self, mark: tuple | None, woken: bool) -> float:
        """How much a busy machine delayed work outside the loop since ``mark``.

        The longest time one of the other threads waited for a core (they may have waited
        side by side), plus, when the loop thread was ``woken`` by that work, its own wait
        for a core: while it merely waited for a timeout, its own wait delayed nothing.
        """
        if mark is None:
            return 0.0
        own, others = mark
        own_wait = self._clocks.own() - own if woken else 0.0
        return own_wait + _others_delta(others, self._clocks.others(), longest=True)

    def record_sleep(self, seconds: float, frame) -> None:
        self.stalls.append(Stall("time.sleep", float(seconds), student_location(frame, self.workspace)))

    def add_slept(self, seconds: float) -> None:
        self._slept += seconds

    # -- set-up and the sampler thread -----------------------------------------------
    def _gc(self) -> float:
        return _gc_cpu.get(self._loop_thread, 0.0)

    def _start(self) -> None:
        """On the loop's thread, at its first callback: its clocks, GC timing, sys.monitoring."""
        self._loop_thread = realtime.get_ident()
        self._clocks = ThreadClocks()
        # The harness's own threads (the child's watchdog) only wake up to look: their waits delay nothing.
        self._clocks.ignored.update(t.native_id for t in realtime.enumerate_threads() if t.name.startswith("gradekit-"))
        self._others = self._clocks.others()  # the sampler keeps it up to date from now on
        if realtime.pthread_getcpuclockid is not None:
            try:
                self._loop_cpu_clock = realtime.pthread_getcpuclockid(self._loop_thread)
            except OSError:
                self._loop_cpu_clock = None
        if _on_gc not in gc.callbacks:
            gc.callbacks.append(_on_gc)
        self._watching_code = _watch_student_code(self.workspace)

    def _sample_while_busy(self) -> None:
        """The sampler: a look every SAMPLE_INTERVAL; it ends after a second without a callback."""
        self._clocks.ignored.add(realtime.get_native_id())
        entered, idle_since = -1, realtime.perf_counter()
        while True:
            realtime.sleep(SAMPLE_INTERVAL)
            if self._entered != entered or self._current is not None:
                entered, idle_since = self._entered, realtime.perf_counter()
            elif realtime.perf_counter() - idle_since > 1.0:
                self._sampling = False  # enter() starts another one when callbacks come again
                if self._entered == entered and self._current is None:
                    return
                self._sampling = True  # one came in meanwhile
            try:
                self._sample()
            except Exception:  # noqa: BLE001 - a look that raced with the loop thread is skipped
                pass

    def _sample(self) -> None:
        """One look at the loop thread (runs on the sampler thread, holding the GIL between reads)."""
        self._others = self._clocks.others()
        current = self._current
        if current is None:
            return
        runq = self._clocks.own()  # the reads above release the GIL; those below do not
        cpu = realtime.clock_gettime(self._loop_cpu_clock)
        wall = realtime.perf_counter()
        frames = realtime.current_frames()
        where = _student_frame(frames.get(self._loop_thread), self.workspace)
        del frames  # never keep the student's frames alive
        if self._current is not current:
            return
        last = current.samples
        gc_cpu = self._gc()
        d_cpu = max(0.0, (cpu - last.cpu) - (gc_cpu - last.gc))
        d_wait = max(0.0, (wall - last.wall) - (cpu - last.cpu) - (runq - last.runq))
        mine = where is not None
        # A late look that finds someone else's code cannot say who held the thread meanwhile:
        # its CPU is left for _students_share to settle.
        other_cpu = d_cpu if not mine and d_cpu <= LATE_LOOK else 0.0
        current.samples = _Samples(
            cpu, wall, runq, gc_cpu,
            student_cpu=last.student_cpu + (d_cpu if mine else 0.0), other_cpu=last.other_cpu + other_cpu,
            student_wait=last.student_wait + (d_wait if mine else 0.0),
            other_wait=last.other_wait + (0.0 if mine else d_wait),
            looks=last.looks + 1, where=where or last.where, last_was_student=mine)


def _student_code(handle, workspace: str):
    """The student's code a loop callback runs, if it shows: a function of theirs, or the innermost
    coroutine of theirs in the chain a task step resumes. None otherwise."""
    callback = getattr(handle, "_callback", None)
    task = getattr(callback, "__self__", None)
    if task is not None and hasattr(task, "get_coro"):
        found, coro = None, task.get_coro()
        while coro is not None:
            code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
            if code is not None and code.co_filename.startswith(workspace):
                found = code
            coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
        return found
    while hasattr(callback, "func"):  # functools.partial
        callback = callback.func
    code = getattr(getattr(callback, "__func__", callback), "__code__", None)
    return code if code is not None and code.co_filename.startswith(workspace) else None


def _code_location(code) -> str | None:
    if code is None:
        return None
    return f"{os.path.basename(code.co_filename)}:{code.co_firstlineno} in {code.co_name}"


def _describe(handle) -> str:
    callback = getattr(handle, "_callback", None)
    task = getattr(callback, "__self__", None)
    if task is not None and hasattr(task, "get_coro"):
        coro = task.get_coro()
        return f"task running {getattr(coro, '__qualname__', repr(coro))}()"
    return "a loop callback"


def main_thread_location(workspace: str) -> str:
    """Where the main thread is right now (called from the watchdog thread)."""
    frame = realtime.current_frames().get(realtime.MAIN_THREAD_ID)
    return student_location(frame, workspace) if frame is not None else "unknown"
