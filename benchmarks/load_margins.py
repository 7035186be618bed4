"""Figures behind the real-time margins: every correct solution graded while every core is busy.

    python benchmarks/load_margins.py                                   # ex09, ex17: 3 rounds
    python benchmarks/load_margins.py --exercise ex18 --rounds 5 --hogs 4

For each scenario the checks ran on a reference or an alternative: the largest value seen
of every number the scenario returned (elapsed times, batch durations), the longest stall
the world measured, and the student's process's wall time. A margin
is a check's bound against these. Prints figures; asserts nothing (``grade.py check
--repeat N --stress`` is the test).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gradekit.grading import plugin  # noqa: E402
from gradekit.grading.runner import grade_workspace  # noqa: E402
from gradekit.kit import Kit  # noqa: E402
from gradekit.sandbox import Workspace  # noqa: E402
from gradekit.selfcheck import _subjects  # noqa: E402
from gradekit.stress import Hogs  # noqa: E402

REAL_TIME = ["ex09_async_db", "ex17_echo_server"]  # the exercises on the real clock


def _observe_one(args: tuple[str, str, str]) -> list[dict]:
    """Grade one correct solution; what each scenario run observed."""
    root, exercise_id, subject = args
    seen = []
    observe = plugin.GradingSession._observe

    def recording(self, exercise, scenarios, scenario, params):
        observation = observe(self, exercise, scenarios, scenario, params)
        value = observation.final.get("value")
        numbers = {k: v for k, v in value.items() if isinstance(v, (int, float)) and not isinstance(v, bool)} \
            if isinstance(value, dict) else {}
        seen.append({"scenario": f"{exercise} {scenario}", "numbers": numbers, "stalls": observation.stalls,
                     "wall": getattr(observation.outcome, "wall_seconds", None) or 0.0})
        return observation

    plugin.GradingSession._observe = recording
    workspace = Workspace.from_file(Path(subject), exercise_id)
    try:
        grade_workspace(Kit.at(Path(root)), workspace, [exercise_id], label=subject, jobs=1)
    finally:
        workspace.cleanup()
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercise", action="append", help="repeatable (default: ex09, ex17)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--hogs", type=int, default=None, help="busy processes (default: one per core)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    kit = Kit.at(ROOT)
    ids = kit.select(args.exercise or REAL_TIME)
    work = [(str(kit.root), ex, str(path)) for ex in ids for _, path, expected in _subjects(kit, ex)
            if not expected and isinstance(path, Path)]
    largest: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    runs: dict[str, int] = defaultdict(int)
    hogs = Hogs(args.hogs)
    with hogs, ProcessPoolExecutor(args.jobs) as pool:
        for _ in range(args.rounds):
            for seen in pool.map(_observe_one, work):
                for run in seen:
                    row = largest[run["scenario"]]
                    runs[run["scenario"]] += 1
                    row["child wall"] = max(row["child wall"], run["wall"])
                    for name, number in run["numbers"].items():
                        row[name] = max(row[name], number)
                    for stall in run["stalls"]:
                        row[f"stall: {stall['kind']}"] = max(row[f"stall: {stall['kind']}"], stall["seconds"])
    print(f"{len(work)} correct solutions, {args.rounds} round(s), {hogs.count} busy process(es): the largest value seen")
    for scenario in sorted(largest):
        figures = ", ".join(f"{name} {value:g}" for name, value in sorted(largest[scenario].items()))
        print(f"  {scenario} ({runs[scenario]} runs): {figures}")


if __name__ == "__main__":
    main()
