"""Grader-owned stand-ins for the ``fetch``/``job``/``op``/``send`` callables.

They live in the world: the student's code calls them through proxies, and they record
every call (argument, start and end on the world's clock, how it ended) and how many
are in flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any



@dataclass
class Outcome:
    """What one call of a fake does: wait ``latency`` seconds, then return or raise."""

    latency: float = 0.0
    value: Any = None
    error: BaseException | None = None


@dataclass
class Call:
    key: Any
    started: float
    ended: float | None = None
    outcome: str = "running"  # "returned", "raised", "cancelled" or "running"

    def as_dict(self) -> dict:
        return {"key": self.key, "started": self.started, "ended": self.ended, "outcome": self.outcome}


@dataclass
class InFlight:
    current: int = 0
    peak: int = 0

    def enter(self) -> None:
        self.current += 1
        self.peak = max(self.peak, self.current)

    def leave(self) -> None:
        self.current -= 1


@dataclass
class Recorder:
    """Calls and concurrency shared by one or more fakes."""

    now: Callable[[], float]
    calls: list[Call] = field(default_factory=list)
    inflight: InFlight = field(default_factory=InFlight)

    def summary(self) -> dict:
        return {
            "calls": [c.as_dict() for c in self.calls],
            "peak": self.inflight.peak,
            "running": sum(1 for c in self.calls if c.outcome == "running"),
            "cancelled": sorted((c.key for c in self.calls if c.outcome == "cancelled"), key=repr),
        }


Behaviour = Callable[[Any], Outcome] | Mapping[Any, Outcome] | Outcome


class FakeCallable:
    """An async callable that behaves as told and records what happened."""

    def __init__(self, behaviour: Behaviour, recorder: Recorder, *, fixed_key: Any = None) -> None:
        self._behaviour = behaviour
        self._recorder = recorder
        self._fixed_key = fixed_key

    def _outcome(self, key: Any) -> Outcome:
        if isinstance(self._behaviour, Outcome):
            return self._behaviour
        if isinstance(self._behaviour, Mapping):
            return self._behaviour[key]
        return self._behaviour(key)

    async def __call__(self, *args: Any) -> Any:
        key = self._fixed_key if self._fixed_key is not None else (args[0] if args else None)
        outcome = self._outcome(key)
        call = Call(key=key, started=self._recorder.now())
        self._recorder.calls.append(call)
        self._recorder.inflight.enter()
        try:
            if outcome.latency > 0:
                await asyncio.sleep(outcome.latency)
            if outcome.error is not None:
                call.outcome = "raised"
                raise outcome.error
            call.outcome = "returned"
            return outcome.value
        except asyncio.CancelledError:
            call.outcome = "cancelled"
            raise
        finally:
            call.ended = self._recorder.now()
            self._recorder.inflight.leave()
