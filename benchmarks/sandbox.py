"""How fast is grading, and where does a check's time go? Figures, not a test.

    python benchmarks/sandbox.py [--runs 5] [--checks 40]

Prints, side by side for the namespace sandbox (a zygote per submission, a fork per
check) and the spawn-per-check fallback:

* a full correct submission (every exercise's reference) graded end to end: the
  median wall time of ``--runs`` runs, and its ratio to the fallback's;
* the cost of one virtual-clock check (ex03's public scenario) run ``--checks`` times
  on one sandbox, split into phases: fork to module imported (setup, limits, the
  student's import), the scenario itself, the kill-and-clean after it, and what the
  trusted side adds (pipes, framing, parsing);
* the per-check cost of every scenario of the full submission, virtual-clock and
  real-time ones apart.

Both paths run in the same invocation, on the same machine state, so the ratio
means something even on a busy machine; the absolute numbers do not.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gradekit.grading.runner import grade_submission  # noqa: E402
from gradekit.kit import Kit  # noqa: E402
from gradekit.sandbox import NamespaceSandbox, SpawnSandbox, namespaces_unavailable  # noqa: E402


def full_submission(kit: Kit) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="gradekit-bench-"))
    for exercise_id in kit.exercise_ids():
        shutil.copyfile(kit.reference(exercise_id), folder / f"{exercise_id}.py")
    return folder


def time_full(kit: Kit, folder: Path, isolation: str, runs: int, jobs: int) -> tuple[float, int]:
    times, checks = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        report = grade_submission(kit, folder, isolation=isolation, jobs=jobs)
        times.append(time.perf_counter() - started)
        assert report.score == report.max_score, f"a reference lost points: {report.score}/{report.max_score}"
        checks = sum(len(e.tests) for e in report.exercises)
    return statistics.median(times), checks


def ex03_request(kit: Kit) -> tuple[bytes, dict]:
    scenarios = kit.public_checks("ex03_fetch_all") / "scenarios.py"
    request = {"nonce": "bench", "module": "ex03_fetch_all", "scenario": "fetch_with_latencies",
               "scenario_source": scenarios.read_text(encoding="utf-8"),
               "params": {"latencies": {"a": 0.3, "b": 0.1, "c": 0.2}}}
    return kit.reference("ex03_fetch_all").read_bytes(), request


def _events(outcome) -> dict[str, float]:
    found = {}
    for line in outcome.results.decode().splitlines():
        message = json.loads(line)
        found[message["event"]] = message["real"]
    return found


def per_check(kit: Kit, sandbox, count: int) -> dict[str, float]:
    """Median milliseconds of one check and, where the sandbox reports them, of its phases."""
    source, request = ex03_request(kit)
    started = time.perf_counter()
    if isinstance(sandbox, NamespaceSandbox):
        sandbox.start()
    startup = time.perf_counter() - started
    rows: dict[str, list[float]] = {"total": [], "setup and import": [], "scenario": [], "kill and clean": [],
                                    "trusted side": []}
    for _ in range(count):
        started = time.perf_counter()
        outcome = sandbox.run("ex03_fetch_all", source, request)
        total = time.perf_counter() - started
        rows["total"].append(total)
        events, phases = _events(outcome), outcome.phases
        if phases:
            rows["setup and import"].append(events["imported"] - phases["forked"])
            rows["scenario"].append(events["result"] - events["imported"])
            rows["kill and clean"].append(phases["cleaned"] - events["result"])
            rows["trusted side"].append(total - (phases["cleaned"] - phases["forked"]))
    sandbox.close()
    medians = {name: statistics.median(values) * 1000 for name, values in rows.items() if values}
    medians["sandbox start"] = startup * 1000
    return medians


def _clock(request: dict) -> str:
    """The scenario's clock ("virtual" or "real"), read from its declaration."""
    from gradekit.harness.scenarios import load_source, provide_public_source

    if request.get("public_source"):
        provide_public_source(request["public_source"])
    module = load_source("gradekit_bench_scenarios", request["scenario_source"])
    return getattr(module, request["scenario"])._gradekit_scenario.clock


class Recording:
    """Wraps a sandbox and notes each run's scenario and wall time."""

    def __init__(self, inner) -> None:
        self.inner, self.isolation, self.runs = inner, inner.isolation, []

    def run(self, module, source, request):
        started = time.perf_counter()
        outcome = self.inner.run(module, source, request)
        self.runs.append((module, request["scenario"], _clock(request), time.perf_counter() - started))
        return outcome

    def close(self) -> None:
        self.inner.close()


def scenario_costs(kit: Kit, folder: Path) -> list[tuple[str, str, str, float]]:
    import gradekit.grading.runner as runner

    recorders = []
    original = runner.choose_sandbox

    def recording(*args, **kwargs):
        recorders.append(Recording(original(*args, **kwargs)))
        return recorders[-1]

    runner.choose_sandbox = recording
    try:
        grade_submission(kit, folder, jobs=1)
    finally:
        runner.choose_sandbox = original
    return [run for recorder in recorders for run in recorder.runs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="full-submission runs per path (median)")
    parser.add_argument("--checks", type=int, default=40, help="single-check runs per path (median)")
    parser.add_argument("--jobs", type=int, default=0, help="workers per submission (0: the default)")
    args = parser.parse_args()
    kit = Kit.at(ROOT)
    if reason := namespaces_unavailable():
        sys.exit(f"the namespace sandbox is unavailable here ({reason}): nothing to compare")
    folder = full_submission(kit)
    jobs = args.jobs or None
    try:
        ns_full, checks = time_full(kit, folder, "namespaces", args.runs, jobs)
        spawn_full, _ = time_full(kit, folder, "process", args.runs, jobs)
        ns_check = per_check(kit, NamespaceSandbox(), args.checks)
        spawn_check = per_check(kit, SpawnSandbox(), args.checks)
        costs = scenario_costs(kit, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print(f"Full correct submission ({len(kit.exercise_ids())} exercises, {checks} checks), median of {args.runs}:")
    print(f"  namespaces (zygote, fork per check) {ns_full:7.2f} s")
    print(f"  process (spawn per check)           {spawn_full:7.2f} s   ratio spawn/namespaces {spawn_full / ns_full:.1f}x")
    print(f"\n(load average when done: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores)")
    print(f"\nOne virtual-clock check (ex03 public scenario), median of {args.checks}, milliseconds:")
    print(f"  {'':22}{'namespaces':>12}{'process':>12}")
    for name in ("total", "setup and import", "scenario", "kill and clean", "trusted side", "sandbox start"):
        left, right = ns_check.get(name), spawn_check.get(name)
        print(f"  {name:22}{left if left is not None else float('nan'):12.1f}"
              f"{right if right is not None else float('nan'):12.1f}")
    print(f"  ratio process/namespaces per check: {spawn_check['total'] / ns_check['total']:.1f}x")
    virtual = [c for _, _, clock, c in costs if clock == "virtual"]
    real = [(m, s, c) for m, s, clock, c in costs if clock == "real"]
    print(f"\nScenario runs of one full submission (namespaces, one worker): {len(costs)} runs "
          f"(identical runs shared), {sum(c for *_, c in costs):.2f} s in the sandbox")
    print(f"  virtual-clock runs: {len(virtual)}, median {statistics.median(virtual) * 1000:.1f} ms, "
          f"max {max(virtual) * 1000:.1f} ms")
    print(f"  real-time runs ({', '.join(sorted({m[:4] for m, _, _ in real}))}): {len(real)}, "
          f"{sum(c for *_, c in real):.2f} s in all; slowest: "
          + ", ".join(f"{m[:4]} {s} {c * 1000:.0f} ms" for m, s, c in sorted(real, key=lambda r: -r[2])[:3]))


if __name__ == "__main__":
    main()
