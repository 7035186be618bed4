"""Blocking detection that a virtual clock cannot replace.

Every callback the event loop runs is timed with the *real* clocks captured in
:mod:`gradekit.harness.realtime`. A callback that burns CPU, or waits in real
time (blocking I/O), is a stall. ``time.sleep`` called on the loop's thread is
intercepted: it is recorded with its exact duration, and on a virtual clock it
moves that clock instead of costing real time, so a blocking solution is both
caught and as late as it would be in reality.
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass, field

from gradekit.harness import realtime

#: CPU seconds in one callback above which the loop counts as busy-blocked.
CPU_STALL = 0.02


@dataclass
class Stall:
    kind: str  # "time.sleep", "busy" (CPU) or "blocking" (waited in real time)
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


@dataclass
class Monitor:
    """Times loop callbacks; shared by every grading loop in the child."""

    workspace: str
    real_threshold: float = 0.25
    stalls: list[Stall] = field(default_factory=list)
    callback_started: float | None = None  # real perf_counter, read by the watchdog
    _cpu_started: float = 0.0
    _slept: float = 0.0

    def enter(self) -> None:
        self._slept = 0.0
        self._cpu_started = realtime.thread_time()
        self.callback_started = realtime.perf_counter()

    def stall_so_far(self) -> float:
        """CPU spent in the running callback once it counts as a stall, else 0.

        Virtual clocks add it, so code that busy-waits on the clock sees time pass.
        """
        if self.callback_started is None:
            return 0.0
        cpu = realtime.thread_time() - self._cpu_started
        return cpu if cpu >= CPU_STALL else 0.0

    def leave(self, loop) -> None:
        started = self.callback_started
        self.callback_started = None
        if started is None:
            return
        cpu = realtime.thread_time() - self._cpu_started
        real = realtime.perf_counter() - started - self._slept
        if cpu >= CPU_STALL:
            self.stalls.append(Stall("busy", round(cpu, 3), _task_name(loop)))
            loop.advance_clock(cpu)
        elif real >= self.real_threshold:
            self.stalls.append(Stall("blocking", round(real, 3), _task_name(loop)))
            loop.advance_clock(real)

    def record_sleep(self, seconds: float, frame) -> None:
        self.stalls.append(Stall("time.sleep", float(seconds), student_location(frame, self.workspace)))

    def add_slept(self, seconds: float) -> None:
        self._slept += seconds


def _task_name(loop) -> str:
    task = realtime.current_task(loop) if loop.is_running() else None
    if task is None:
        return "a loop callback"
    coro = task.get_coro()
    return f"task running {getattr(coro, '__qualname__', repr(coro))}()"


def main_thread_location(workspace: str) -> str:
    """Where the main thread is right now (called from the watchdog thread)."""
    frame = sys._current_frames().get(realtime.MAIN_THREAD_ID)
    return student_location(frame, workspace) if frame is not None else "unknown"
