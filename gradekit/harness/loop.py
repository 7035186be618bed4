"""The base of the student's event loop: a selector loop with an optional virtual clock.

The clock is a :class:`VirtualClock` that the world (outside the sandbox) sets: the
driver's loop (:class:`gradekit.harness.driver.LinkedLoop`) asks it to move when it has
nothing to run. This base keeps what every such loop needs: a clock student code
cannot replace, the executor futures it waits for (threads run in real time), and the
nudge that stops it from turning forever at one instant.
"""

from __future__ import annotations

import asyncio
import math
import weakref
from dataclasses import dataclass

from gradekit.harness import realtime

#: Where virtual time starts: a realistic, non-zero monotonic reading.
VIRTUAL_EPOCH = 1000.0
#: The wall-clock time (time.time()) that corresponds to VIRTUAL_EPOCH.
VIRTUAL_WALL_EPOCH = 1_767_225_600.0
#: Turns at one instant with something to run at once (a due timer, a ready callback) before time is nudged forward.
STUCK_TURNS = 50


@dataclass
class VirtualClock:
    now: float = VIRTUAL_EPOCH


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

    def __init__(self, clock: VirtualClock | None) -> None:
        self._clock = clock
        self._stuck_at, self._stuck_turns = None, 0
        self._external = weakref.WeakSet()
        super().__init__()
        if clock is not None:
            self._real_select = self._selector.select
            self._selector.select = self._virtual_select

    @property
    def virtual(self) -> bool:
        return self._clock is not None

    def _time(self) -> float:
        return self._clock.now if self._clock is not None else realtime.monotonic()

    # A data descriptor: ``loop.time = ...`` in student code cannot replace the clock
    # that asyncio's scheduler reads (the world keeps its own anyway).
    time = property(lambda self: self._time, lambda self, value: None)

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
        raise NotImplementedError("a virtual-clock loop decides with its world when time moves")


def install_loop_factory(factory) -> None:
    """Make ``asyncio.run`` and ``asyncio.new_event_loop`` build grading loops.

    ``asyncio.Runner`` (behind ``asyncio.run``) calls ``asyncio.events.new_event_loop``
    when no factory is given, on 3.11 to 3.14; replacing that function avoids the
    event-loop policy system, which is deprecated from 3.14 on.
    """
    asyncio.events.new_event_loop = factory
    asyncio.new_event_loop = factory
