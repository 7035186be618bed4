"""The event loop scenarios run on: a selector loop with an optional virtual clock.

With a :class:`VirtualClock`, the loop never waits for a timer in real time: when
nothing is ready it jumps straight to the next scheduled timer, so "sleep 1 s"
costs microseconds and lands at exactly +1.0. Work that happens outside the loop
(executor threads, thread-safe callbacks) is waited for in real time and the
virtual clock follows the real time spent, as looptime does.
"""

from __future__ import annotations

import asyncio
import math
import weakref
from dataclasses import dataclass

from gradekit.harness import realtime
from gradekit.harness.monitor import Monitor

#: Where virtual time starts: a realistic, non-zero monotonic reading.
VIRTUAL_EPOCH = 1000.0
#: The wall-clock time (time.time()) that corresponds to VIRTUAL_EPOCH.
VIRTUAL_WALL_EPOCH = 1_767_225_600.0
_EXTERNAL_STEP = 0.01
#: Turns at one instant with something to run at once (a due timer, a ready callback) before time is nudged forward.
STUCK_TURNS = 50


@dataclass
class VirtualClock:
    now: float = VIRTUAL_EPOCH

    def advance(self, seconds: float) -> None:
        if seconds > 0:
            self.now += seconds


class GradingLoop(asyncio.SelectorEventLoop):
    """A selector event loop instrumented for grading.

    Virtual time never livelocks. A timer set for less than the clock can represent
    (a limiter re-sleeping for the 2e-14 s its arithmetic says is left, at t = 1000.4)
    falls due at once, and if its callback sets another such timer the loop would turn
    forever at one instant: nothing runs but timers due "now", so the clock never has a
    reason to move. The same with no timer at all: a loop that re-sleeps for the 0.0 s its
    arithmetic says is left (``oldest + period - now`` rounds to 0 while ``now - oldest <
    period`` still holds) turns forever at one instant. After :data:`STUCK_TURNS` turns at
    one instant that each have something to run at once (a timer already due, a callback
    ready), the clock moves to the next representable instant, as real time would have
    moved during those turns.
    """

    def __init__(self, clock: VirtualClock | None, monitor: Monitor) -> None:
        self._clock = clock
        self._stuck_at, self._stuck_turns = None, 0
        self._gradekit_monitor = monitor
        self._external = weakref.WeakSet()
        super().__init__()
        if clock is not None:
            self._real_select = self._selector.select
            self._selector.select = self._virtual_select

    @property
    def virtual(self) -> bool:
        return self._clock is not None

    def _time(self) -> float:
        if self._clock is not None:
            return self._clock.now + self._gradekit_monitor.stall_so_far()
        return realtime.monotonic()

    # A data descriptor: ``loop.time = ...`` in student code cannot replace the clock
    # that asyncio's scheduler and the grader's fakes read.
    time = property(lambda self: self._time, lambda self, value: None)

    def advance_clock(self, seconds: float) -> None:
        if self._clock is not None:
            self._clock.advance(seconds)

    def run_in_executor(self, executor, func, *args):
        future = super().run_in_executor(executor, func, *args)
        self._external.add(future)
        return future

    def _nudge_if_stuck(self) -> None:
        """Count turns with something to run at this very instant; move time past a long run of them."""
        now = self._clock.now
        if now != self._stuck_at:
            self._stuck_at, self._stuck_turns = now, 0
        self._stuck_turns += 1
        if self._stuck_turns >= STUCK_TURNS:
            self._clock.now = math.nextafter(now, math.inf)

    def _virtual_select(self, timeout: float | None = None):
        ready = self._real_select(0)
        if timeout == 0 and not ready:
            self._nudge_if_stuck()
        if ready or timeout == 0:
            return ready
        if timeout is None or any(not f.done() for f in self._external):
            # Something outside the loop must act first: wait for it in real time,
            # in small steps, and let virtual time follow the time it really took, not
            # the time its threads (or this one) spent waiting for a core of a busy machine.
            step = _EXTERNAL_STEP if timeout is None else min(timeout, _EXTERNAL_STEP)
            monitor = self._gradekit_monitor
            mark = monitor.load_mark()
            started = realtime.perf_counter()
            ready = self._real_select(step)
            self._clock.advance(realtime.perf_counter() - started - monitor.load_since(mark, woken=bool(ready)))
            return ready
        target = self._clock.now + timeout
        if self._scheduled:
            when = self._scheduled[0]._when
            if abs(when - target) < 1e-6:
                target = max(target, when)
        self._clock.now = max(self._clock.now, target)
        return []


def install_loop_factory(factory) -> None:
    """Make ``asyncio.run`` and ``asyncio.new_event_loop`` build grading loops.

    ``asyncio.Runner`` (behind ``asyncio.run``) calls ``asyncio.events.new_event_loop``
    when no factory is given, on 3.11 to 3.14; replacing that function avoids the
    event-loop policy system, which is deprecated from 3.14 on.
    """
    asyncio.events.new_event_loop = factory
    asyncio.new_event_loop = factory


def instrument_handles() -> None:
    """Time every loop callback of a grading loop (idempotent)."""
    handle_cls = asyncio.events.Handle
    if getattr(handle_cls, "_gradekit_instrumented", False):
        return
    original = handle_cls._run

    def _run(self):
        monitor = getattr(self._loop, "_gradekit_monitor", None)
        if monitor is None:
            return original(self)
        monitor.enter(self)
        try:
            return original(self)
        finally:
            monitor.leave(self._loop)

    handle_cls._run = _run
    handle_cls._gradekit_instrumented = True
