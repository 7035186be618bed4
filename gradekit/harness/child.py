"""Entry point of the sandboxed child: ``python -I -m gradekit.harness.child``.

:func:`run_check` imports the student's module, runs one scenario and writes
observations as JSON lines, tagged with the request's nonce, to the result pipe.
It runs in a child forked by the sandbox's zygote (``gradekit.sandbox.zygote``)
or, as ``main``, in a freshly spawned interpreter that reads its request on stdin. It never decides anything: a missing line is a
failure on the trusted side.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import io
import json
import os
import sys
import threading
from dataclasses import dataclass
from typing import Any

from gradekit.harness import realtime
from gradekit.harness.hygiene import HygieneProbe
from gradekit.harness.loop import GradingLoop, VirtualClock, install_loop_factory, instrument_handles
from gradekit.harness.monitor import Monitor, main_thread_location
from gradekit.harness.scenarios import (Harness, ScenarioSpec, StudentModule, describe_exception, load_source,
                                        provide_public_source)
from gradekit.harness.timepatch import TimePatch

OUTPUT_CAP = 16 * 1024


@dataclass
class Request:
    """One check's instructions, from the trusted side (see ``GradingSession.run_scenario``)."""

    nonce: str
    module: str  # the exercise module to import from the working folder
    scenario: str  # the function of the scenario source to run
    scenario_source: str  # the grader's scenarios.py, sent as text: the kit's files are not mounted here
    params: dict
    public_source: str | None = None  # the exercise's public scenarios.py, for public_scenarios()
    import_limit: float = 5.0
    stall_limit: float = 3.0
    run_limit: float = 10.0


class Reporter:
    """Writes tagged JSON lines to the result pipe; thread-safe, final line once."""

    def __init__(self, fd: int, nonce: str) -> None:
        self._file = os.fdopen(fd, "w", encoding="utf-8", closefd=True)
        self._nonce = nonce
        self._lock = threading.Lock()
        self._final = False

    def send(self, event: str, **data: Any) -> None:
        with self._lock:
            if self._final:
                return
            # "real" (the real monotonic clock) lets benchmarks split a check's cost into phases.
            line = json.dumps({"nonce": self._nonce, "event": event, "real": realtime.perf_counter(), **data},
                              default=repr)
            self._file.write(line + "\n")
            self._file.flush()
            self._final = event in ("result", "import_error", "stalled")

    def finish(self, event: str, **data: Any) -> None:
        self.send(event, **data)
        os._exit(0)  # skip atexit hooks and threads the student left running


class Watchdog(threading.Thread):
    """Ends the child with a report when the loop is stuck in one callback or a phase overruns."""

    def __init__(self, reporter: Reporter, monitor: Monitor, stall_limit: float) -> None:
        super().__init__(daemon=True, name="gradekit-watchdog")
        self.reporter = reporter
        self.monitor = monitor
        self.stall_limit = stall_limit
        self.phase = "import"
        self.deadline = 0.0

    def start_phase(self, phase: str, seconds: float) -> None:
        self.phase = phase
        self.deadline = realtime.perf_counter() + seconds

    def run(self) -> None:
        while True:
            realtime.sleep(0.02)
            now = realtime.perf_counter()
            started = self.monitor.callback_started
            if started is not None and now - started > self.stall_limit:
                where = main_thread_location(self.monitor.workspace)
                self.reporter.finish("stalled", phase=self.phase, seconds=round(now - started, 2), where=where)
            if self.deadline and now > self.deadline:
                where = main_thread_location(self.monitor.workspace)
                event = "import_error" if self.phase == "import" else "stalled"
                self.reporter.finish(
                    event, phase=self.phase, timeout=True, seconds=round(now - self.deadline, 2), where=where,
                    error={"type": "Timeout", "message": f"still running after the {self.phase} time limit", "where": where},
                )


def _load_scenario(request: Request):
    if request.public_source is not None:
        provide_public_source(request.public_source)
    fn = getattr(load_source("gradekit_scenarios", request.scenario_source), request.scenario)
    return fn, getattr(fn, "_gradekit_scenario", ScenarioSpec())


def _isolate_sys_path(workspace: str, engine_path: str | None) -> None:
    """Only the workspace and installed packages stay importable.

    ``engine_path`` is the folder the bootstrap added to reach an uninstalled engine
    (the kit's checkout, which also holds exercises/): it goes before student code runs.
    """
    sys.path[:] = [p for p in sys.path if p and p != engine_path]
    sys.path.insert(0, workspace)
    importlib.invalidate_caches()


def _bounded(text: str) -> str:
    return text if len(text) <= OUTPUT_CAP else text[:OUTPUT_CAP] + "\n… truncated"


async def _run_async(fn, harness: Harness, params: dict, spec: ScenarioSpec, probe: HygieneProbe):
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(probe.loop_exception_handler)
    harness.t0 = harness.now()
    task = loop.create_task(fn(harness, **params))
    done, _ = await asyncio.wait({task}, timeout=spec.limit)
    timed_out = not done
    if timed_out:
        task.cancel()
        await asyncio.wait({task}, timeout=1.0)
    this = asyncio.current_task()
    leftovers = probe.note_pending(loop, exclude={this, task})
    for t in leftovers:
        t.cancel()
    if leftovers:
        await asyncio.wait(leftovers, timeout=1.0)
    if timed_out:
        return "timeout", None, None
    if task.cancelled():
        return "raised", None, {"type": "CancelledError", "message": "the scenario was cancelled", "where": ""}
    exc = task.exception()
    if exc is not None:
        return "raised", None, describe_exception(exc, harness.workspace)
    return "ok", task.result(), None


def _run_scenario(fn, spec: ScenarioSpec, harness: Harness, params: dict, probe: HygieneProbe):
    if not inspect.iscoroutinefunction(fn):
        harness.t0 = harness.now()
        try:
            return "ok", fn(harness, **params), None
        except BaseException as exc:  # the student's code may raise anything, SystemExit included
            return "raised", None, describe_exception(exc, harness.workspace)
    loop = asyncio.new_event_loop()
    loop.set_debug(spec.debug)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(_run_async(fn, harness, params, spec, probe))
    except BaseException as exc:  # SystemExit/KeyboardInterrupt escape tasks
        return "raised", None, describe_exception(exc, harness.workspace)
    finally:
        with contextlib.suppress(BaseException):
            loop.run_until_complete(loop.shutdown_asyncgens())
        with contextlib.suppress(BaseException):
            loop.close()
        asyncio.set_event_loop(None)


def run_check(request: Request, result_fd: int, engine_path: str | None = None) -> None:
    """Run one check in this process, whose working folder holds the student's module; never returns.

    ``engine_path`` is a folder the caller added to ``sys.path`` to reach the engine; it is
    removed before student code runs.
    """
    reporter = Reporter(result_fd, request.nonce)
    workspace = os.getcwd() + os.sep
    monitor = Monitor(workspace=workspace)
    fn, spec = _load_scenario(request)
    clock = VirtualClock() if spec.clock == "virtual" else None
    if clock is None:
        monitor.real_threshold = 0.05
    TimePatch(clock, monitor).install()
    instrument_handles()
    install_loop_factory(lambda: GradingLoop(clock, monitor))

    watchdog = Watchdog(reporter, monitor, request.stall_limit)
    watchdog.start_phase("import", request.import_limit)
    watchdog.start()

    _isolate_sys_path(workspace, engine_path)
    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            student = importlib.import_module(request.module)
    except BaseException as exc:  # a broken module can raise anything, even SystemExit
        reporter.finish("import_error", error=describe_exception(exc, workspace), output=_bounded(captured.getvalue()))
    reporter.send("imported")

    harness = Harness(student=StudentModule(student), workspace=workspace, clock=clock)
    watchdog.start_phase("run", request.run_limit)
    captured = io.StringIO()
    with HygieneProbe() as probe, contextlib.redirect_stdout(captured):
        status, value, error = _run_scenario(fn, spec, harness, request.params, probe)
    reporter.finish(
        "result",
        status=status,
        value=value,
        error=error,
        stdout=_bounded(captured.getvalue()),
        stalls=[s.as_dict() for s in monitor.stalls],
        hygiene=probe.result.as_dict(),
        events=harness.events,
    )


def main(engine_path: str | None = None) -> None:
    """Spawn-per-check entry: one JSON request on stdin, with the result pipe's fd in it."""
    raw = json.loads(sys.stdin.readline())
    sys.stdin.close()
    sys.stdin = io.StringIO()
    if "driver" in raw:
        from gradekit.harness import driver

        driver.run(driver.DriverRequest(**raw["driver"]), raw["link_fd"], engine_path)
    result_fd = raw.pop("result_fd")
    run_check(Request(**raw), result_fd, engine_path)


if __name__ == "__main__":
    main()
