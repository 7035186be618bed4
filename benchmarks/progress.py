"""What does showing progress cost, and how soon does a student see something? Figures, not a test.

    python benchmarks/progress.py                 # the references of every exercise, 3 runs each
    python benchmarks/progress.py --runs 5 --exercise 3 --exercise 8 --stubs

Grades the same submission (every exercise's reference solution, or ``--stubs``: the
template's untouched stubs) with ``grade_submission`` in this process, in turn:

* ``none``: no progress hook (what ``python grade.py`` did before issue 9);
* ``hook``: a hook that does nothing: the cost of the calls and of carrying them from
  the worker processes (gradekit/grading/relay.py) alone;
* ``plain``: :class:`gradekit.progress.PlainLines` writing to /dev/null;
* ``bars``: :class:`gradekit.progress.LiveBars` drawing rich rows to /dev/null as to a terminal.

For each it prints the median of the runs of the wall time, its ratio to ``none``, and,
with a display, the median time from the start to the first exercise's line (what a
student waits before the screen moves) and to the last hook call. The runs alternate
between the configurations so a change of the machine's load touches all of them alike;
the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402

from gradekit.grading.runner import grade_submission  # noqa: E402
from gradekit.kit import Kit  # noqa: E402
from gradekit.progress import LiveBars, PlainLines  # noqa: E402
from gradekit.report.model import CheckResult  # noqa: E402


class Timed:
    """Wraps a display: when its first exercise ended and when the last call came, from ``start``."""

    def __init__(self, display, start: float) -> None:
        self.display, self.start = display, start
        self.first_ended: float | None = None
        self.last_call: float | None = None
        self._done: dict[str, int] = {}
        self._total: dict[str, int] = {}

    def checks_found(self, exercise_id: str, count: int) -> None:
        self._total[exercise_id] = count
        self._call("checks_found", exercise_id, count)

    def check_started(self, exercise_id: str, name: str) -> None:
        self._call("check_started", exercise_id, name)

    def check_done(self, exercise_id: str, result: CheckResult) -> None:
        self._call("check_done", exercise_id, result)
        self._done[exercise_id] = self._done.get(exercise_id, 0) + 1
        if self.first_ended is None and self._done[exercise_id] == self._total.get(exercise_id):
            self.first_ended = time.monotonic() - self.start

    def _call(self, method: str, *args) -> None:
        getattr(self.display, method)(*args)
        self.last_call = time.monotonic() - self.start


class Silent:
    """A display that shows nothing."""

    def checks_found(self, exercise_id: str, count: int) -> None:
        pass

    def check_started(self, exercise_id: str, name: str) -> None:
        pass

    def check_done(self, exercise_id: str, result: CheckResult) -> None:
        pass

    def close(self) -> None:
        pass


def _submission(kit: Kit, ids: list[str], stubs: bool, folder: Path) -> Path:
    for ex_id in ids:
        source = kit.stub(ex_id) if stubs else kit.reference(ex_id)
        shutil.copy(source, folder / f"{ex_id}.py")
    return folder


def _run(kit: Kit, folder: Path, ids: list[str], config: str, sink) -> tuple[float, float | None, float | None]:
    start = time.monotonic()
    hook = None
    if config == "hook":
        hook = Timed(Silent(), start)
    elif config == "plain":
        hook = Timed(PlainLines(sink, ids), start)
    elif config == "bars":
        hook = Timed(LiveBars(Console(file=sink, force_terminal=True, width=120), ids), start)
    try:
        grade_submission(kit, folder, exercises=ids, progress=hook)
    finally:
        if hook is not None:
            hook.display.close()
    wall = time.monotonic() - start
    return wall, (hook.first_ended if hook else None), (hook.last_call if hook else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--exercise", action="append", default=None, help="3, ex03 or an id; repeatable")
    parser.add_argument("--stubs", action="store_true", help="grade the untouched stubs instead of the references")
    args = parser.parse_args()
    kit = Kit.at(ROOT)
    ids = kit.select(args.exercise)
    configs = ["none", "hook", "plain", "bars"]
    figures: dict[str, list[tuple]] = {c: [] for c in configs}
    print(f"load average before: {os.getloadavg()[0]:.2f}; {len(ids)} exercise(s), "
          f"{'stubs' if args.stubs else 'references'}, {args.runs} run(s) each")
    with tempfile.TemporaryDirectory() as tmp, open(os.devnull, "w") as sink:
        folder = _submission(kit, ids, args.stubs, Path(tmp))
        for _ in range(args.runs):
            for config in configs:
                figures[config].append(_run(kit, folder, ids, config, sink))
    base = statistics.median(w for w, _, _ in figures["none"])
    print(f"{'config':<7} {'wall s':>8} {'ratio':>7} {'first line s':>13} {'last call s':>12}")
    for config in configs:
        walls = [w for w, _, _ in figures[config]]
        firsts = [f for _, f, _ in figures[config] if f is not None]
        lasts = [last for _, _, last in figures[config] if last is not None]
        first = f"{statistics.median(firsts):.2f}" if firsts else "-"
        last = f"{statistics.median(lasts):.2f}" if lasts else "-"
        print(f"{config:<7} {statistics.median(walls):>8.2f} {statistics.median(walls) / base:>7.3f} "
              f"{first:>13} {last:>12}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
