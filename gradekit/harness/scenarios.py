"""How graders declare scenarios, and the :class:`Harness` a scenario receives."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from gradekit.harness import realtime
from gradekit.harness.fakes import Behaviour, FakeCallable, Outcome, Recorder
from gradekit.harness.loop import GradingLoop, VirtualClock

_loop_time = GradingLoop._time


@dataclass(frozen=True)
class ScenarioSpec:
    clock: str = "virtual"  # "virtual" or "real"
    debug: bool = False  # run the loop in asyncio debug mode
    limit: float = 120.0  # seconds of loop time before the scenario is abandoned


def scenario(fn: Callable | None = None, *, clock: str = "virtual", debug: bool = False, limit: float = 120.0):
    """Mark a function of a grader's ``scenarios.py`` as runnable in the sandbox.

    An ``async def`` scenario runs on a grading loop; a plain ``def`` scenario runs
    with no loop (to test code that calls ``asyncio.run`` itself). Either gets a
    :class:`Harness` and the parameters the check passed, and returns plain data.
    """
    if clock not in ("virtual", "real"):
        raise ValueError(f"clock must be 'virtual' or 'real', not {clock!r}")

    def mark(f: Callable) -> Callable:
        f._gradekit_scenario = ScenarioSpec(clock=clock, debug=debug, limit=limit)
        return f

    return mark(fn) if fn is not None else mark


#: The exercise's public scenarios.py, sent by the trusted side with each request: in the
#: sandbox the kit's files are not mounted, so it cannot be read by path.
_provided_public: dict[str, str] = {}


def provide_public_source(source: str) -> None:
    _provided_public["source"] = source


def public_scenarios(grader_file: str) -> ModuleType:
    """The public ``scenarios.py`` of the exercise whose hidden grader file is ``grader_file``.

    Hidden scenarios reuse the public module's fakes and helpers instead of copying
    them: ``graders/<id>/scenarios.py`` gets ``exercises/<id>/checks/scenarios.py``,
    which the trusted side sends along with the hidden one.
    """
    if "source" in _provided_public:
        return load_source("gradekit_public_scenarios", _provided_public["source"])
    grader = Path(grader_file).resolve()  # outside a sandbox (tools, tests): read the kit's file
    path = grader.parents[2] / "exercises" / grader.parent.name / "checks" / "scenarios.py"
    return load_source("gradekit_public_scenarios", path.read_text(encoding="utf-8"))


def load_source(name: str, source: str, filename: str | None = None) -> ModuleType:
    """Execute a grader's scenario source as module ``name`` (graders are not an importable package).

    The module is registered in ``sys.modules`` first, as an import would, so that
    dataclasses and pickling inside it find their module.
    """
    module = ModuleType(name)
    module.__file__ = filename or f"<{name}>"
    sys.modules[name] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


class MissingFromModule(BaseException):
    """The student's module lacks a name the scenario needs.

    A ``BaseException``, not an ``AttributeError``: scenarios catch ``Exception`` from
    the student's code to report what it raised, and a function that is not there must
    end the scenario (and fail its checks) instead of counting as "it raised".
    """


class StudentModule:
    """The student's module as scenarios see it: a missing name raises :class:`MissingFromModule`."""

    def __init__(self, module: ModuleType) -> None:
        object.__setattr__(self, "_module", module)

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(self._module, name)
        except AttributeError:
            raise MissingFromModule(f"module {self._module.__name__!r} has no attribute {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._module, name, value)

    @property
    def __dict__(self) -> dict:  # vars(h.student): the module's own names
        return vars(self._module)


@dataclass
class Harness:
    """What a scenario works with: the student's module, fakes, the clock and a log."""

    student: StudentModule
    workspace: str
    clock: VirtualClock | None
    events: list[dict] = field(default_factory=list)
    t0: float = 0.0

    def now(self) -> float:
        """The current loop time (virtual or real), read with captured functions."""
        try:
            loop = realtime.get_running_loop()
        except RuntimeError:
            loop = None
        if isinstance(loop, GradingLoop):
            return _loop_time(loop)
        if self.clock is not None and realtime.get_ident() == realtime.MAIN_THREAD_ID:
            return self.clock.now
        return realtime.monotonic()

    def elapsed(self) -> float:
        """Seconds since the scenario started, rounded to the microsecond."""
        return round(self.now() - self.t0, 6)

    async def sleep(self, seconds: float) -> None:
        """``asyncio.sleep`` as captured before the student's import (safe from monkeypatching)."""
        await realtime.async_sleep(seconds)

    def recorder(self) -> Recorder:
        return Recorder(now=self.elapsed)

    def fake(self, behaviour: Behaviour, recorder: Recorder | None = None) -> tuple[FakeCallable, Recorder]:
        """One async callable taking one argument (a url, a user, ...)."""
        recorder = recorder or self.recorder()
        return FakeCallable(behaviour, recorder), recorder

    def jobs(self, outcomes: Sequence[Outcome], recorder: Recorder | None = None) -> tuple[list[FakeCallable], Recorder]:
        """Zero-argument async callables; job ``i`` is recorded under key ``i``."""
        recorder = recorder or self.recorder()
        return [FakeCallable(o, recorder, fixed_key=i) for i, o in enumerate(outcomes)], recorder

    def event(self, name: str, **data: Any) -> None:
        self.events.append({"event": name, "at": self.elapsed(), **data})

    def describe(self, exc: BaseException) -> dict:
        return describe_exception(exc, self.workspace)


def describe_exception(exc: BaseException, workspace: str) -> dict:
    """Plain data about an exception: type, message, where in student code, sub-exceptions."""
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith(workspace):
            where = f"{frame.filename[len(workspace):].lstrip('/')}:{frame.lineno} in {frame.name}"
    info: dict[str, Any] = {"type": type(exc).__name__, "message": str(exc)[:300], "where": where}
    if isinstance(exc, BaseExceptionGroup):
        info["exceptions"] = [describe_exception(e, workspace) for e in exc.exceptions]
    return info
