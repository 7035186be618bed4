"""Declaring a world scenario."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from gradekit.sources import load_source


@dataclass(frozen=True)
class ScenarioSpec:
    clock: str = "virtual"  # "virtual" or "real"
    debug: bool = False  # the student's loop runs in asyncio debug mode
    limit: float = 120.0  # seconds on the check's clock before the scenario is abandoned
    outside_loop: bool = False  # the student's functions are called with no event loop running
    sockets: int = 0  # client sockets of the sandbox's network the scenario may connect (h.connect)
    folder: bool = False  # a folder of the sandbox's files the scenario reads (h.folder)


def scenario(fn: Callable | None = None, *, clock: str = "virtual", debug: bool = False, limit: float = 120.0,
             outside_loop: bool = False, sockets: int = 0, folder: bool = False):
    """Mark an ``async def`` of a grader's ``scenarios.py`` as a scenario the world runs.

    It receives a :class:`~gradekit.world.harness.WorldHarness` and the check's parameters
    and returns plain data for the checks. ``outside_loop=True`` calls the student's
    functions with no event loop running in their process (to test code that calls
    ``asyncio.run`` itself); ``clock="real"`` runs on real time (threads, sockets, files).
    ``sockets=N`` gives the scenario N test clients on the sandbox's own network
    (``await h.connect(port)``), and ``folder=True`` a folder whose files the scenario reads
    from outside (``h.folder``): see :mod:`gradekit.world.provisions`.
    """
    if not 0 <= sockets <= 200:
        raise ValueError(f"sockets must be between 0 and 200, not {sockets!r}")
    if clock not in ("virtual", "real"):
        raise ValueError(f"clock must be 'virtual' or 'real', not {clock!r}")

    def mark(f: Callable) -> Callable:
        if not inspect.iscoroutinefunction(f):
            raise TypeError(f"scenario {f.__name__} must be an 'async def': the world awaits the student's calls")
        f._gradekit_world = ScenarioSpec(clock=clock, debug=debug, limit=limit, outside_loop=outside_loop,
                                                 sockets=sockets, folder=folder)
        return f

    return mark(fn) if fn is not None else mark


def public_scenarios(grader_file: str) -> ModuleType:
    """The public ``scenarios.py`` of the exercise whose hidden grader file is ``grader_file``.

    Hidden scenarios reuse the public module's fakes and helpers instead of copying
    them: ``graders/<id>/scenarios.py`` gets ``exercises/<id>/checks/scenarios.py``. Both
    run in the world, on the trusted side, where the kit's files are.
    """
    grader = Path(grader_file).resolve()
    path = grader.parents[2] / "exercises" / grader.parent.name / "checks" / "scenarios.py"
    return load_source(f"gradekit_public_scenarios_{grader.parent.name}", path.read_text(encoding="utf-8"),
                       str(path))
