"""Probes run after every scenario: what did the student's code leave behind?"""

from __future__ import annotations

import asyncio
import gc
import logging
import warnings
from dataclasses import dataclass, field


@dataclass
class Hygiene:
    pending_tasks: list[str] = field(default_factory=list)
    never_retrieved: list[str] = field(default_factory=list)
    never_awaited: list[str] = field(default_factory=list)
    asyncio_log: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "pending_tasks": self.pending_tasks,
            "never_retrieved": self.never_retrieved,
            "never_awaited": self.never_awaited,
            "asyncio_log": self.asyncio_log[:20],
        }


def _shorten(text: str, limit: int = 300) -> str:
    """Keep both ends: debug-mode lines put the useful "took 1.0 seconds" last."""
    return text if len(text) <= limit else f"{text[:limit // 2]} … {text[-limit // 2:]}"


class _LogCapture(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Using selector"):
            return  # every new loop says it at DEBUG level: nothing about the student's code
        if len(self.sink) < 100:
            self.sink.append(_shorten(record.getMessage()))


class HygieneProbe:
    """Context for one scenario: records warnings, loop errors and asyncio's log."""

    def __init__(self) -> None:
        self.result = Hygiene()
        self._warnings = warnings.catch_warnings(record=True)
        self._caught: list[warnings.WarningMessage] = []
        self._handler = _LogCapture(self.result.asyncio_log)

    def __enter__(self) -> HygieneProbe:
        self._caught = self._warnings.__enter__()
        warnings.simplefilter("always")
        logger = logging.getLogger("asyncio")
        logger.addHandler(self._handler)
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        return self

    def loop_exception_handler(self, loop, context: dict) -> None:
        message = context.get("message", "")
        exc = context.get("exception")
        if exc is not None:
            message = f"{message}: {type(exc).__name__}: {exc}"[:300]
        self.result.never_retrieved.append(message)

    def note_pending(self, loop: asyncio.AbstractEventLoop, exclude: set) -> list[asyncio.Task]:
        tasks = [t for t in asyncio.all_tasks(loop) if t not in exclude and not t.done()]
        for task in tasks:
            coro = task.get_coro()
            self.result.pending_tasks.append(getattr(coro, "__qualname__", repr(coro)))
        return tasks

    def __exit__(self, *exc_info) -> None:
        gc.collect()
        for w in self._caught:
            text = str(w.message)
            if "was never awaited" in text:
                self.result.never_awaited.append(text[:300])
        self._warnings.__exit__(*exc_info)
        logging.getLogger("asyncio").removeHandler(self._handler)
        # "Task exception was never retrieved" also reaches the default handler via the log
        for line in self.result.asyncio_log:
            if "exception was never retrieved" in line and line not in self.result.never_retrieved:
                self.result.never_retrieved.append(line)
