"""Time grading the reference solutions through the real command line.

    python benchmarks/grade_references.py                 # ex01–ex04, 5 runs
    python benchmarks/grade_references.py --all --runs 3  # every exercise

Prints figures; asserts nothing (machines here are shared and noisy).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gradekit.kit import Kit  # noqa: E402

FOUNDATIONS = ["ex01_hello_loop", "ex02_gather_counts", "ex03_fetch_all", "ex04_task_errors"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every exercise, not just ex01–ex04")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    kit = Kit.at(ROOT)
    ids = kit.exercise_ids() if args.all else FOUNDATIONS
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "references"
        folder.mkdir()
        for ex_id in ids:
            shutil.copyfile(kit.reference(ex_id), folder / f"{ex_id}.py")
        command = [sys.executable, str(ROOT / "grade.py"), "grade", str(folder), "--format", "json",
                   "--output", str(Path(tmp) / "report.json")]
        for ex_id in ids:
            command += ["--exercise", ex_id]
        times, report = [], {}
        for _ in range(args.runs):
            started = time.perf_counter()
            proc = subprocess.run(command, capture_output=True, text=True, check=True)
            times.append(time.perf_counter() - started)
            report = json.loads(proc.stdout)
    checks = sum(len(e["tests"]) for e in report["exercises"])
    print(f"exercises: {len(ids)}  checks: {checks}  score: {report['score']:g}/{report['max_score']:g}")
    print(f"wall time over {args.runs} runs: min {min(times):.2f} s, median {statistics.median(times):.2f} s, "
          f"max {max(times):.2f} s")
    print(f"per check (median): {statistics.median(times) / checks * 1000:.0f} ms")


if __name__ == "__main__":
    main()
