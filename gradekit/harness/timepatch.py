"""Make ``time.monotonic``/``perf_counter``/``time`` follow the virtual clock.

Installed before the student's module is imported, so ``from time import
monotonic`` in student code also gets the virtual reading. Threads other than
the main one keep real time (thread pools really run in real time).
"""

from __future__ import annotations

import asyncio
import sys
import time

from gradekit.harness import realtime
from gradekit.harness.loop import VIRTUAL_EPOCH, VIRTUAL_WALL_EPOCH, GradingLoop, VirtualClock
from gradekit.harness.monitor import Monitor


class TimePatch:
    def __init__(self, clock: VirtualClock | None, monitor: Monitor) -> None:
        self.clock = clock
        self.monitor = monitor

    def _virtual_now(self) -> float | None:
        if self.clock is None or realtime.get_ident() != realtime.MAIN_THREAD_ID:
            return None
        return self.clock.now + self.monitor.stall_so_far()

    def monotonic(self) -> float:
        now = self._virtual_now()
        return realtime.monotonic() if now is None else now

    def perf_counter(self) -> float:
        now = self._virtual_now()
        return realtime.perf_counter() if now is None else now

    def wall_time(self) -> float:
        now = self._virtual_now()
        return realtime.wall_time() if now is None else VIRTUAL_WALL_EPOCH + (now - VIRTUAL_EPOCH)

    def sleep(self, seconds: float) -> None:
        seconds = float(seconds)
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        if realtime.get_ident() != realtime.MAIN_THREAD_ID:
            return realtime.sleep(seconds)
        loop = asyncio._get_running_loop()
        if isinstance(loop, GradingLoop):
            self.monitor.record_sleep(seconds, sys._getframe(1))
        if self.clock is not None:
            self.clock.advance(seconds)
            return None
        self.monitor.add_slept(seconds)
        return realtime.sleep(seconds)

    def install(self) -> None:
        time.monotonic = self.monotonic
        time.perf_counter = self.perf_counter
        time.time = self.wall_time
        time.sleep = self.sleep
        time.monotonic_ns = lambda: int(self.monotonic() * 1e9)
        time.perf_counter_ns = lambda: int(self.perf_counter() * 1e9)
        time.time_ns = lambda: int(self.wall_time() * 1e9)
