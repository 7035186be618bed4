"""How the world sees the student's process: its functions, its objects, its exceptions.

``h.student.fetch_all(urls, fetch)`` in a scenario is a :class:`RemoteFunction` call: the
world sends ``call`` and the awaiting task waits for the student's process to answer.
Cancelling that task sends ``cancel``, and the task ends as the student's code ended
(cancelled, or returning if it swallowed the cancellation), as a local call would.

What comes back is untrusted data. An exception is rebuilt as an instance of the
builtin class of the same name where there is one (so a scenario can ``except
ValueError``), or of :class:`RemoteError`; a few classes that would end the world
itself (``SystemExit``, ``KeyboardInterrupt``) always become :class:`RemoteError`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from gradekit.world.protocol import BUILTIN_EXCEPTIONS

#: Builtin exception classes a student's exception may be rebuilt as.
# StopIteration would turn into RuntimeError inside a coroutine.
REBUILDABLE = {name: cls for name, cls in BUILTIN_EXCEPTIONS.items() if name != "StopIteration"}


class MissingFromModule(BaseException):
    """The student's module lacks a name the scenario needs: ends the scenario (and its checks)."""


class RemoteError(Exception):
    """An exception of the student's process whose class has no builtin twin."""

    remote_type = "Exception"


def rebuild(info: dict, originals: dict[int, BaseException], depth: int = 0) -> BaseException:
    """The exception an ``$e`` value describes; ``originals`` are the world's own, by reference."""
    ref = info.get("ref")
    if isinstance(ref, int) and ref in originals:
        return originals[ref]
    name = str(info.get("type", "Exception"))[:80]
    message = str(info.get("message", ""))[:300]
    subs = info.get("exceptions")
    exc: BaseException
    if isinstance(subs, list) and subs and depth < 5 and name in ("ExceptionGroup", "BaseExceptionGroup"):
        rebuilt = [rebuild(s, originals, depth + 1) for s in subs[:100] if isinstance(s, dict)]
        try:
            exc = ExceptionGroup(message, rebuilt) if all(isinstance(e, Exception) for e in rebuilt) \
                else BaseExceptionGroup(message, rebuilt)
        except (TypeError, ValueError):
            exc = RemoteError(message)
    elif name == "CancelledError":
        exc = asyncio.CancelledError(message)
    elif name == "MissingFromModule":
        exc = MissingFromModule(message)
    elif name in REBUILDABLE:
        try:
            exc = REBUILDABLE[name](message)
        except Exception:  # a class whose constructor wants other arguments
            exc = RemoteError(message)
    else:
        exc = RemoteError(message)
    exc.remote = {"type": name, "message": message, "where": str(info.get("where", ""))[:200]}
    if isinstance(exc, RemoteError):
        exc.remote_type = name
    return exc


class RemoteHandle:
    """An object of the student's process (an async generator, a server, ...), by number."""

    def __init__(self, world, number: int, type_name: str, text: str) -> None:
        self._world, self.number, self.type_name, self._text = world, number, type_name, text

    def method(self, name: str) -> RemoteFunction:
        return RemoteFunction(self._world, {"handle": self.number, "method": name})

    def __getattr__(self, name: str) -> RemoteFunction:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.method(name)

    def __aiter__(self) -> RemoteHandle:
        return self

    async def __anext__(self) -> Any:
        return await self.method("__anext__")()

    def __repr__(self) -> str:
        return self._text or f"<{self.type_name}>"


class RemoteFunction:
    """A function of the student's process; calling it gives an awaitable call."""

    def __init__(self, world, target: Any) -> None:
        self._world, self._target = world, target

    def __call__(self, *args: Any, **kwargs: Any):
        return self._world.call(self._target, args, kwargs)


class RemoteNamespace:
    """``h.student`` (or ``h.driver``): attribute access names a function over there."""

    def __init__(self, world, driver: bool = False) -> None:
        object.__setattr__(self, "_world", world)
        object.__setattr__(self, "_driver", driver)

    def __getattr__(self, name: str) -> RemoteFunction:
        if name.startswith("__"):
            raise AttributeError(name)
        return RemoteFunction(self._world, {"driver": name} if self._driver else name)
