"""Running one world scenario against a submission's module in a sandbox."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from gradekit.harness.driver import DriverRequest
from gradekit.sandbox import ChildOutcome
from gradekit.world.harness import WorldHarness
from gradekit.world.scenario import ScenarioSpec
from gradekit.world.world import Aborted, World

TAMPERED = "the submission tampered with the grading harness"


@dataclass
class WorldResult:
    """What the world saw of one check, as plain data for :class:`~gradekit.grading.observation.Observation`."""

    final: dict
    outcome: ChildOutcome | None
    flag: str = ""  # why the submission is flagged for review, or ''
    events: list[dict] = field(default_factory=list)


def observe(sandbox, module: str, source: bytes, fn, spec: ScenarioSpec, params: dict,
            driver_source: str | None = None, stall_limit: float = 3.0, import_limit: float = 5.0) -> WorldResult:
    """Run ``fn(h, **params)`` in a new world, the student's ``module`` in ``sandbox``."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    world = World(ours, virtual=spec.clock == "virtual", stall_limit=stall_limit, import_limit=import_limit,
                  link_fd=sandbox.link_fd(theirs), sockets=spec.sockets, folder=spec.folder)
    harness = WorldHarness(world)
    request = asdict(DriverRequest(module=module, clock=spec.clock, debug=spec.debug,
                                   outside_loop=spec.outside_loop, driver_source=driver_source,
                                   import_limit=import_limit, sockets=spec.sockets, folder=spec.folder))
    box: dict[str, Any] = {}

    def run_sandbox() -> None:
        try:
            box["outcome"] = sandbox.run(module, source, request, link=theirs)
        finally:
            theirs.close()  # once passed on: the world must see end-of-file when the student's process ends

    thread = threading.Thread(target=run_sandbox, name="gradekit-sandbox", daemon=True)
    thread.start()
    try:
        status, value, error = world.run(fn, harness, params, spec.limit)
    finally:
        if world.aborted is not None and world.aborted.status != "crashed":
            _kill(world.pid)
        thread.join()
    return _result(world, harness, status, value, error, box.get("outcome"))


def _kill(pid: int | None) -> None:
    """End the student's process now (a stalled or tampering one would run to the sandbox's wall clock)."""
    if pid is not None and pid > 1:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _result(world: World, harness: WorldHarness, status: str, value: Any, error: Any,
            outcome: ChildOutcome | None) -> WorldResult:
    record = world.record
    common = {"stdout": harness.stdout, "stalls": [s.as_dict() for s in record.stalls],
              "hygiene": record.hygiene or {}, "events": harness.events}
    if status == "timeout":
        return WorldResult({"event": "result", "status": status, "gave_up": value, **common}, outcome,
                           events=harness.events)
    if status != "aborted":
        final = {"event": "result", "status": status, "value": value, **common}
        if error is not None:
            final["error"] = harness.describe(error)
        return WorldResult(final, outcome, events=harness.events)
    aborted: Aborted = error
    if aborted.status == "import_error":
        final = {"event": "import_error", "error": record.import_error or {}, "output": record.import_output}
    elif aborted.status == "stalled":
        final = {"event": "import_error" if aborted.data.get("phase") == "import" else "stalled",
                 "timeout": aborted.data.get("phase") == "import", **aborted.data, **common}
    elif aborted.status == "tampered":
        reason = f"{TAMPERED} ({aborted.reason})"
        return WorldResult({"event": "result", "status": "tampered", "reason": reason, **common}, outcome,
                           flag=reason)
    else:  # the student's process went away
        final = {"event": "crashed", "status": "crashed", "imported": record.imported, **common}
    return WorldResult(final, outcome)
