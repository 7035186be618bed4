"""The ``h`` a scenario receives: the student's module (remote), fakes, the world's clock."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from gradekit.world.fakes import Behaviour, FakeCallable, Outcome, Recorder
from gradekit.world.provisions import ProvisionError, SandboxFolder, connect
from gradekit.world.remote import RemoteNamespace
from gradekit.world.world import BlockingFake, World, WorldObject, token


class WorldHarness:
    """What a scenario works with, all of it on the trusted side.

    ``h.student.f(...)`` calls ``f`` of the student's module in the sandbox and is awaited
    (``await h.student.f(...)``); ``h.driver.g(...)`` calls ``g`` of the exercise's public
    driver code there. Fakes, recorders, the clock and the event log live here.
    """

    def __init__(self, world: World) -> None:
        self.world = world
        self.student = RemoteNamespace(world)
        self.driver = RemoteNamespace(world, driver=True)
        self.events: list[dict] = []
        self.t0 = world.loop.time()
        self._tokens: dict[Any, str] = {}

    # -- the clock -------------------------------------------------------------------------
    def now(self) -> float:
        return self.world.loop.time()

    def elapsed(self) -> float:
        """Seconds since the scenario started, rounded to the microsecond."""
        return round(self.now() - self.t0, 6)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    # -- fakes -----------------------------------------------------------------------------
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

    def blocking_fake(self, behaviour: Behaviour, recorder: Recorder | None = None) -> tuple[BlockingFake, Recorder]:
        """A blocking callable: the student's thread that calls it waits ``latency`` on the world's clock.

        The recorder's calls say ``"on_loop_thread": True`` for calls made from the loop's thread.
        """
        recorder = recorder or self.recorder()
        return BlockingFake(FakeCallable(behaviour, recorder)), recorder

    def remote(self, target: Any, methods: dict[str, str] | Sequence[str], attrs: dict | None = None) -> WorldObject:
        """``target`` as an object the student's code can use: ``methods`` ("async" or "sync") go to the world."""
        if not isinstance(methods, dict):
            methods = {name: "async" for name in methods}
        return WorldObject(target, dict(methods), attrs)

    def at_answer(self, recorder: Recorder) -> dict:
        """A dict that holds ``recorder.summary()`` as it stood when the student's process last
        answered a call (returned or raised), in the order of its messages: what its code did after
        answering (cancelling a task without awaiting it, starting a fake call) is not in it.
        Filled before the awaiting scenario resumes; empty until the first answer.

        ``recorder.summary()`` read after ``await h.student.f(...)`` may already hold what the
        student's process did just after ``f`` ended; judge "before it returns" with this.
        """
        snapshot: dict = {}
        self.world.answer_hooks.append(lambda: snapshot.update(recorder.summary()))
        return snapshot

    def token(self, label: Any) -> str:
        """A per-run value no submission can guess (the same for the same label within a check)."""
        if label not in self._tokens:
            self._tokens[label] = token(label)
        return self._tokens[label]

    async def settled(self, timeout: float = 1.0) -> bool:
        """Wait until the student's event loop has nothing left to run (real clock): everything it
        was given so far (connections to accept, tasks to start) has been handled. Seen from
        outside, twice in a row 5 ms apart: its thread asleep in its epoll wait with a timeout.
        False when that was not seen within ``timeout`` s, or the kernel does not say."""
        if self.world.loop.virtual:
            raise RuntimeError("h.settled() is for the real clock; on the virtual clock the world "
                               "moves time only when the student's process is idle")
        deadline, seen = self.now() + timeout, 0
        while self.now() < deadline:
            state = self.world.loop_settled()
            if state is None:
                return False
            seen = seen + 1 if state else 0
            if seen == 2:
                return True
            await asyncio.sleep(0.005)
        return False

    # -- the sandbox's network and files (see gradekit.world.provisions) ------------------------
    async def connect(self, port: int, timeout: float = 1.0) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A test client of the world's, connected to ``127.0.0.1:port`` on the sandbox's network.

        The scenario must declare how many it opens (``@scenario(sockets=N)``). The streams
        are this side's: the student's code cannot read or write them.
        """
        return await connect(self.world.provisions, port, timeout)

    @property
    def folder(self) -> SandboxFolder:
        """The sandbox's folder the scenario declared (``@scenario(folder=True)``)."""
        if self.world.provisions.folder is None:
            raise ProvisionError("the check reads files the sandbox did not give: declare @scenario(folder=True)")
        return self.world.provisions.folder

    # -- what the student's process printed ---------------------------------------------------
    @property
    def writes(self) -> list[tuple[float, str]]:
        """(seconds since the scenario started, text) of each write to ``sys.stdout``."""
        return [(round(at, 6), text) for at, text in self.world.record.writes]

    @property
    def stdout(self) -> str:
        return "".join(text for _, text in self.world.record.writes)

    def event(self, name: str, **data: Any) -> None:
        self.events.append({"event": name, "at": self.elapsed(), **data})

    @staticmethod
    def describe(exc: BaseException) -> dict:
        """Plain data about an exception the student's code raised (or passed on)."""
        remote = getattr(exc, "remote", None)
        if isinstance(remote, dict):
            info = dict(remote)
        else:
            info = {"type": type(exc).__name__, "message": str(exc)[:300], "where": ""}
        if isinstance(exc, BaseExceptionGroup):
            info["exceptions"] = [WorldHarness.describe(e) for e in exc.exceptions]
        return info
