"""How fast does ``batch`` grade a class, and how much memory does it take? Figures, not a test.

    python benchmarks/batch.py                          # 100 copies of the references, --jobs 2, 3 runs
    python benchmarks/batch.py --copies 40 --runs 1 --at-once 2,4,6,8

Makes ``--copies`` folders, each holding every exercise's reference solution (a correct
full submission), then runs the real command line ``python grade.py batch DIR --jobs J
--output OUT`` into a fresh OUT ``--runs`` times for each ``--at-once`` value (``-`` is
the batch's default). For each it prints the median of the runs of:

* wall time and submissions graded per minute;
* CPU seconds per submission, of the batch and every process it starts, sandboxes
  included: the batch runs in cgroups of its own (``cpuacct`` and ``memory``, cgroup v1,
  or one cgroup v2), since ``wait4`` misses processes reaped by someone else (a sandbox
  killed with its children orphans them);
* the peak memory of the whole process tree, sampled from ``/proc`` every 0.2 s:
  the sum of every process's RSS (which counts the pages forked processes share once
  per process, so it overstates) and of their PSS (each shared page divided among its
  sharers: what the tree really holds); and the memory cgroup's own peak, which also
  counts the page cache of the files the batch reads and writes;
* how many submissions scored full marks (all of them should: a lower count means a
  verdict changed under load, which is a finding, not noise).

The load average before and after each run is printed too: the absolute figures mean
something only with the machine's load beside them.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gradekit.kit import Kit

SAMPLE_S = 0.2
CGROUP_V1 = Path("/sys/fs/cgroup")


class TreeCgroup:
    """CPU time and peak memory of a process and everything it starts, from cgroups made for it.

    cgroup v1 (separate ``cpuacct`` and ``memory`` hierarchies) or v2 (one tree); where
    neither can be made (not root, a read-only /sys) the figures are None. The sandbox's
    own ``pids`` cgroup moves its processes in the ``pids`` hierarchy only, so in v1
    they stay counted here; in v2 they would leave, and the figures would undercount.
    """

    def __init__(self) -> None:
        name = f"gradekit-bench-{os.getpid()}-{time.monotonic_ns()}"
        self.paths: dict[str, Path] = {}
        try:
            if (CGROUP_V1 / "cpuacct" / "cpuacct.usage").exists():
                self.paths["cpu"] = CGROUP_V1 / "cpuacct" / name
                self.paths["memory"] = CGROUP_V1 / "memory" / self._own("memory").lstrip("/") / name
            else:
                self.paths["cpu"] = self.paths["memory"] = CGROUP_V1 / self._own("").lstrip("/") / name
            for path in set(self.paths.values()):
                path.mkdir()
        except OSError:
            self.remove()
            self.paths = {}

    @staticmethod
    def _own(controller: str) -> str:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controller in controllers.split(",") or (controller == "" and controllers == ""):
                return path
        return "/"

    def enter(self) -> None:
        """Move the calling process in: given as ``preexec_fn``, so nothing it starts escapes."""
        for path in set(self.paths.values()):
            (path / "cgroup.procs").write_text(str(os.getpid()))

    def cpu_seconds(self) -> float | None:
        path = self.paths.get("cpu")
        if path is None:
            return None
        if (path / "cpuacct.usage").exists():
            return int((path / "cpuacct.usage").read_text()) / 1e9
        stat = dict(line.split() for line in (path / "cpu.stat").read_text().splitlines())
        return int(stat["usage_usec"]) / 1e6

    def peak_mb(self) -> float | None:
        path = self.paths.get("memory")
        if path is None:
            return None
        for name in ("memory.max_usage_in_bytes", "memory.peak"):
            if (path / name).exists():
                return int((path / name).read_text()) / (1 << 20)
        return None

    def remove(self) -> None:
        for path in set(self.paths.values()):
            with contextlib.suppress(OSError):
                path.rmdir()


@dataclass
class Run:
    wall_s: float
    cpu_s: float | None
    peak_rss_mb: float
    peak_pss_mb: float
    cgroup_peak_mb: float | None
    full: int
    graded: int
    load_before: float
    load_after: float
    lost: list[str]  # each copy short of full marks: which checks, and why


def make_class(kit: Kit, copies: int) -> Path:
    room = Path(tempfile.mkdtemp(prefix="gradekit-bench-class-"))
    for i in range(copies):
        folder = room / f"student{i:04}"
        folder.mkdir()
        for exercise_id in kit.exercise_ids():
            shutil.copyfile(kit.reference(exercise_id), folder / f"{exercise_id}.py")
    return room


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as handle:
                    stat = handle.read()
            except OSError:
                continue
            children.setdefault(int(stat[stat.rfind(")") + 2:].split()[1]), []).append(int(entry.name))
    found, frontier = [root], [root]
    while frontier:
        frontier = [c for p in frontier for c in children.get(p, [])]
        found += frontier
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB, (0, 0) once it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            fields = dict(line.split(":", 1) for line in handle if ":" in line and not line.startswith("0"))
        return int(fields["Rss"].split()[0]), int(fields["Pss"].split()[0])
    except (OSError, KeyError, ValueError):
        return 0, 0


class Sampler(threading.Thread):
    """Samples the memory of ``pid``'s process tree until stopped; keeps the peaks."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss = self.peak_pss = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_S):
            rss = pss = 0
            for pid in _tree(self.pid):
                r, p = _memory_kb(pid)
                rss, pss = rss + r, pss + p
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)


def run_batch(room: Path, jobs: int, at_once: str, copies: int) -> Run:
    out = Path(tempfile.mkdtemp(prefix="gradekit-bench-out-")) / "out"
    command = [sys.executable, str(ROOT / "grade.py"), "batch", str(room), "--jobs", str(jobs), "--output", str(out)]
    if at_once != "-":
        command += ["--at-once", at_once]
    load_before = os.getloadavg()[0]
    cgroup = TreeCgroup()
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=cgroup.enter)  # noqa: PLW1509 - no thread yet: the sampler starts after
    sampler = Sampler(proc.pid)
    sampler.start()
    stderr = proc.stderr.read()
    proc.wait()
    wall = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    cpu, cgroup_peak = cgroup.cpu_seconds(), cgroup.peak_mb()
    cgroup.remove()
    if proc.returncode != 0:
        sys.exit(f"the batch failed (exit {proc.returncode}):\n{stderr[-3000:]}")
    with open(out / "gradebook.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    graded = [r for r in rows if r["status"] == "graded"]
    full = sum(1 for r in graded if r["total"] == r["max_total"])
    lost = [_lost(out, r) for r in rows if r["status"] != "graded" or r["total"] != r["max_total"]]
    shutil.rmtree(out.parent, ignore_errors=True)
    assert len(rows) == copies, f"{len(rows)} rows for {copies} submissions"
    return Run(wall, cpu, sampler.peak_rss / 1024, sampler.peak_pss / 1024, cgroup_peak, full, len(graded),
               load_before, os.getloadavg()[0], lost)


def _lost(out: Path, row: dict) -> str:
    """Where a copy of the references lost points: each check that did not pass, with its feedback."""
    student = row["student"]
    if row["status"] != "graded":
        return f"{student}: {row['status']}"
    report = json.loads((out / "reports" / f"{student}.json").read_text(encoding="utf-8"))
    failed = [f"{exercise['id']} / {test['name']} ({test['status']}): {test.get('feedback', '')[:300]}"
              for exercise in report["exercises"] for test in exercise.get("tests", []) if test["status"] != "passed"]
    return f"{student}: " + ("; ".join(failed) or f"{row['total']} of {row['max_total']}")


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def _per(total: float | None, count: int) -> str:
    return "n/a" if total is None else f"{total / count:.2f}"


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100, help="submissions in the class (each a full reference)")
    parser.add_argument("--jobs", type=int, default=2, help="batch --jobs")
    parser.add_argument("--at-once", default="-", help="comma-separated batch --at-once values; - is the default")
    parser.add_argument("--runs", type=int, default=3, help="runs per setting (medians are printed)")
    args = parser.parse_args()
    kit = Kit.at(ROOT)
    room = make_class(kit, args.copies)
    print(f"{args.copies} full submissions ({len(kit.exercise_ids())} exercises each), batch --jobs {args.jobs}, "
          f"{args.runs} run(s) per setting, {os.cpu_count()} CPUs")
    try:
        for at_once in args.at_once.split(","):
            runs = []
            for i in range(args.runs):
                run = run_batch(room, args.jobs, at_once.strip(), args.copies)
                runs.append(run)
                print(f"  --at-once {at_once:>2} run {i + 1}: {run.wall_s:6.1f} s, "
                      f"{args.copies / run.wall_s * 60:6.1f}/min, cpu {_per(run.cpu_s, args.copies)} s/submission, "
                      f"peak RSS {run.peak_rss_mb:4.0f} MB, PSS {run.peak_pss_mb:4.0f} MB, "
                      f"cgroup {_mb(run.cgroup_peak_mb)} MB, full marks {run.full}/{args.copies}, "
                      f"load {run.load_before:.1f} -> {run.load_after:.1f}", flush=True)
                for line in run.lost:
                    print(f"    not full marks: {line}", flush=True)
            wall = statistics.median(r.wall_s for r in runs)
            print(f"--at-once {at_once}: median wall {wall:.1f} s = {args.copies / wall * 60:.1f} submissions/min; "
                  f"cpu {_per(_median([r.cpu_s for r in runs]), args.copies)} s/submission; "
                  f"peak RSS {statistics.median(r.peak_rss_mb for r in runs):.0f} MB, "
                  f"PSS {statistics.median(r.peak_pss_mb for r in runs):.0f} MB, "
                  f"cgroup {_mb(_median([r.cgroup_peak_mb for r in runs]))} MB; "
                  f"full marks (lowest) {min(r.full for r in runs)}/{args.copies}", flush=True)
    finally:
        shutil.rmtree(room, ignore_errors=True)


if __name__ == "__main__":
    main()
