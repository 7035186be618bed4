"""How fast is grading, and where does a check's time go? Figures, not a test.

    python benchmarks/sandbox.py [--runs 5] [--checks 40]

Prints, side by side for the namespace sandbox (a zygote per submission, a fork per
check) and the spawn-per-check fallback:

* a full correct submission (every exercise's reference) graded end to end: the
  median wall time of ``--runs`` runs, and its ratio to the fallback's;
* the cost of one virtual-clock world check (ex03's public scenario) run ``--checks``
  times on one sandbox, and of starting the sandbox; and where that check's CPU goes:
  the trusted side (world and sandbox call), the check's own process (its system time
  apart: mostly copying the zygote's pages it writes to, which Python's reference counts
  make many), the zygote;
* the floor under any fork-per-check design: the CPU of a bare ``fork`` and ``_exit`` of
  this interpreter with the harness imported, as the zygote has it;
* the per-check cost of every scenario of the full submission, virtual-clock and
  real-time ones apart.

Both paths run in the same invocation, on the same machine state, so the ratio
means something even on a busy machine; the absolute numbers do not.
"""

from __future__ import annotations

import argparse
import os
import resource
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
from gradekit.sources import load_source  # noqa: E402
from gradekit.world.run import observe  # noqa: E402


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


def _ex03(kit: Kit):
    scenarios = kit.public_checks("ex03_fetch_all") / "scenarios.py"
    module = load_source("gradekit_bench_ex03", scenarios.read_text(encoding="utf-8"), str(scenarios))
    return module.fetch_with_latencies, kit.reference("ex03_fetch_all").read_bytes()


def per_check(kit: Kit, sandbox, count: int) -> dict[str, float]:
    """Median milliseconds of one world check (ex03's public scenario), and of starting the sandbox."""
    fn, source = _ex03(kit)
    started = time.perf_counter()
    if isinstance(sandbox, NamespaceSandbox):
        sandbox.start()
    startup = time.perf_counter() - started
    totals, costs = [], {name: [] for name in COSTS}
    for _ in range(count):
        started, before = time.perf_counter(), _own_cpu()
        result = observe(sandbox, "ex03_fetch_all", source, fn, fn._gradekit_world,
                         {"latencies": {"a": 0.3, "b": 0.1, "c": 0.2}})
        totals.append(time.perf_counter() - started)
        costs["trusted side CPU"].append(_own_cpu() - before)
        assert result.final.get("status") == "ok", result.final
        phases = result.outcome.phases if result.outcome is not None else {}
        if "child_user_s" in phases:
            costs["check process CPU"].append(phases["child_user_s"] + phases["child_system_s"])
            costs["  of which system"].append(phases["child_system_s"])
            costs["zygote CPU"].append(phases["zygote_s"])
    sandbox.close()
    figures = {"total": statistics.median(totals) * 1000, "sandbox start": startup * 1000}
    figures.update({name: statistics.median(values) * 1000 for name, values in costs.items() if values})
    return figures


#: Where one check's CPU goes, in milliseconds (the sandbox's figures come from the zygote's
#: ``wait4`` of the check's process and its own ``getrusage``; the namespace sandbox only).
COSTS = ("trusted side CPU", "check process CPU", "  of which system", "zygote CPU")


def _own_cpu() -> float:
    """CPU seconds of this process, every thread (the world's and the sandbox's call)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def fork_floor(count: int = 200) -> float:
    """Mean milliseconds of CPU (parent and child) of one bare fork and exit."""
    import gc
    import importlib

    importlib.import_module("gradekit.harness.driver")  # for its weight: what the zygote holds when it forks
    gc.collect()
    gc.freeze()
    before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    gc.unfreeze()
    spent = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before))
    return spent / count * 1000


def scenario_costs(kit: Kit, folder: Path) -> list[tuple[str, str, str, float]]:
    """(exercise, scenario, clock, seconds) of every world check of one grading (one worker)."""
    import gradekit.grading.plugin as plugin

    runs, original = [], plugin.observe

    def recording(sandbox, module, source, fn, spec, params, **kwargs):
        started = time.perf_counter()
        result = original(sandbox, module, source, fn, spec, params, **kwargs)
        runs.append((module, fn.__name__, spec.clock, time.perf_counter() - started))
        return result

    plugin.observe = recording
    try:
        grade_submission(kit, folder, jobs=1)
    finally:
        plugin.observe = original
    return runs


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
        floor = fork_floor()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print(f"Full correct submission ({len(kit.exercise_ids())} exercises, {checks} checks), median of {args.runs}:")
    print(f"  namespaces (zygote, fork per check) {ns_full:7.2f} s")
    print(f"  process (spawn per check)           {spawn_full:7.2f} s   ratio spawn/namespaces {spawn_full / ns_full:.1f}x")
    print(f"\n(load average when done: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores)")
    print(f"\nOne virtual-clock world check (ex03 public scenario), median of {args.checks}, milliseconds:")
    print(f"  {'':22}{'namespaces':>12}{'process':>12}")
    for name in ("total", "sandbox start", *COSTS):
        left, right = ns_check.get(name), spawn_check.get(name)
        print(f"  {name:22}{left if left is not None else float('nan'):12.1f}"
              f"{right if right is not None else float('nan'):12.1f}")
    print(f"  ratio process/namespaces per check: {spawn_check['total'] / ns_check['total']:.1f}x")
    print(f"  a bare fork and exit of this interpreter (the floor per check): {floor:.1f} ms of CPU")
    virtual = [c for _, _, clock, c in costs if clock == "virtual"]
    real = [(m, s, c) for m, s, clock, c in costs if clock == "real"]
    print(f"\nScenario runs of one full submission (namespaces, one worker): {len(costs)} runs "
          f"(identical runs shared), {sum(c for *_, c in costs):.2f} s in all")
    print(f"  virtual-clock runs: {len(virtual)}, median {statistics.median(virtual) * 1000:.1f} ms, "
          f"max {max(virtual) * 1000:.1f} ms")
    print(f"  real-time runs ({', '.join(sorted({m[:4] for m, _, _ in real}))}): {len(real)}, "
          f"{sum(c for *_, c in real):.2f} s in all; slowest: "
          + ", ".join(f"{m[:4]} {s} {c * 1000:.0f} ms" for m, s, c in sorted(real, key=lambda r: -r[2])[:3]))


if __name__ == "__main__":
    main()
