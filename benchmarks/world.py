"""What the world costs: per-check time before and after scenarios left the sandbox. Figures, not a test.

    python benchmarks/world.py [--runs 5] [--baseline e3a0fc0] [--checks 60]

Prints, in one invocation on the same machine state:

* a full correct submission (every exercise's reference) graded end to end by this tree
  and by a checkout of ``--baseline`` (the last commit whose scenarios ran inside the
  student's process), each through its own ``grade.py grade --format json``: the median
  wall time of ``--runs`` runs, the number of checks, the cost per check, and the ratio;
* this tree's cost of one world check (ex03's public scenario, run ``--checks`` times on
  one sandbox): median and 90th percentile, and the messages it exchanges.

The baseline is checked out with ``git worktree`` into a temporary folder and removed
afterwards. Absolute numbers depend on the machine; the ratio is the figure to read.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from gradekit.sources import load_source  # noqa: E402
from gradekit.kit import Kit  # noqa: E402
from gradekit.sandbox import choose_sandbox  # noqa: E402
from gradekit.world.run import observe  # noqa: E402
from sandbox import full_submission  # noqa: E402  (benchmarks/sandbox.py: every reference in a folder)


def grade_cli(tree: Path, folder: Path, runs: int) -> tuple[float, int, float]:
    """(median seconds, checks, score) of ``grade.py grade folder`` run by ``tree``'s own code."""
    times, checks, score = [], 0, 0.0
    out = Path(tempfile.mkdtemp(prefix="gradekit-bench-out-")) / "report.json"
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, str(tree / "grade.py"), "grade", str(folder), "--format", "json",
                               "--output", str(out)], cwd=tree, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else json.loads(proc.stdout)
        checks = sum(len(e["tests"]) for e in report["exercises"])
        score = report["score"]
    return statistics.median(times), checks, score


def world_checks(kit: Kit, count: int) -> list[float]:
    scenarios = kit.public_checks("ex03_fetch_all") / "scenarios.py"
    module = load_source("gradekit_bench_world", scenarios.read_text(encoding="utf-8"), str(scenarios))
    fn = module.fetch_with_latencies
    source = kit.reference("ex03_fetch_all").read_bytes()
    sandbox = choose_sandbox()
    times = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            result = observe(sandbox, "ex03_fetch_all", source, fn, fn._gradekit_world,
                             {"latencies": {"a": 0.3, "b": 0.1, "c": 0.2}})
            times.append(time.perf_counter() - started)
            assert result.final.get("status") == "ok", result.final
    finally:
        sandbox.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--checks", type=int, default=60)
    parser.add_argument("--baseline", default="e3a0fc0")
    args = parser.parse_args()
    kit = Kit.at(ROOT)
    folder = full_submission(kit)
    baseline = Path(tempfile.mkdtemp(prefix="gradekit-baseline-")) / "tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline), args.baseline],
                   check=True, capture_output=True)
    try:
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        rows = []
        for name, tree in (("baseline " + args.baseline, baseline), ("this tree", ROOT)):
            seconds, checks, score = grade_cli(tree, folder, args.runs)
            rows.append((name, seconds, checks, score))
        print(f"\nFull reference submission, grade.py grade, median of {args.runs} runs:")
        for name, seconds, checks, score in rows:
            print(f"  {name:<20} {seconds:6.2f} s  {checks:3d} checks  {1000 * seconds / checks:6.1f} ms/check"
                  f"  score {score:g}")
        before, after = rows[0][1] / rows[0][2], rows[1][1] / rows[1][2]
        print(f"  per-check ratio (this tree / baseline): {after / before:.2f}")
        times = sorted(world_checks(kit, args.checks))
        print(f"\nOne world check (ex03 public scenario, reference), {args.checks} runs on one sandbox:")
        print(f"  median {1000 * statistics.median(times):.1f} ms, 90th percentile "
              f"{1000 * times[int(0.9 * len(times)) - 1]:.1f} ms")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
