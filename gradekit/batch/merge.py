"""``python grade.py merge OUT... --output OUT``: shards' outputs combined into one.

Each input is a folder written by ``batch`` (its ``manifest.json`` and ``reports/``).
The merged folder holds every input's submissions and reports, then a gradebook and a
dashboard built from them exactly as ``batch`` builds its own: merging the ``N`` shards
of a class gives the gradebook of one unsharded run, byte for byte.

A merge refuses, saying what to do, rather than combine what does not belong together:

- inputs graded by different kits, exercises or isolation settings;
- sharded inputs with different ``N``, a shard given twice, or a shard missing (its
  students would silently have no grade);
- sharded and unsharded inputs together;
- one student in two inputs (compared as :func:`gradekit.batch.intake.student_key` does).

Unsharded inputs (two sections graded apart) merge too, when no student is in both.
The output may be one of the inputs: everything is read before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from gradekit.batch.intake import student_key
from gradekit.batch.manifest import BatchError, Manifest, read_report, report_path
from gradekit.batch.output import Finished, finish, prepare
from gradekit.batch.shard import Shard
from gradekit.report.files import write_atomic

__all__ = ["merge_outputs"]


def merge_outputs(inputs: list[Path], output: Path) -> tuple[Manifest, Finished]:
    """Combine the batch outputs ``inputs`` into ``output``; :class:`BatchError` when they do not fit together."""
    if not inputs:
        raise BatchError("merge needs at least one batch output folder")
    manifests = [_load(path) for path in inputs]
    _check_same_grading(inputs, manifests)
    _check_shards(inputs, manifests)
    first = manifests[0]
    merged = Manifest(first.kit_version, first.kit_digest, first.exercises, first.isolation, None)
    owner: dict[str, Path] = {}
    texts: dict[str, str] = {}
    for path, manifest in zip(inputs, manifests):
        for student, record in manifest.submissions.items():
            key = student_key(student)
            if key in owner:
                raise BatchError(f"student {student} is in both {owner[key]} and {path}: "
                                 "merge outputs of different students (the shards of one folder)")
            owner[key] = path
            merged.submissions[student] = record
            if record.status == "graded":
                read_report(path, student)  # a missing or broken report stops the merge here, with its path
                texts[student] = (path / report_path(student)).read_text(encoding="utf-8")
    prepare(output)
    for student, text in texts.items():
        write_atomic(output / report_path(student), text)
    return merged, finish(output, merged)


def _load(path: Path) -> Manifest:
    manifest = Manifest.load(path)
    if manifest is None:
        raise BatchError(f"{path} holds no manifest.json: give the folders that batch wrote (its --output)")
    return manifest


def _check_same_grading(inputs: list[Path], manifests: list[Manifest]) -> None:
    for path, manifest in zip(inputs[1:], manifests[1:]):
        if not manifest.same_grading(manifests[0]):
            raise BatchError(f"{inputs[0]} and {path} were graded differently (kit {manifests[0].kit_version} "
                             f"vs {manifest.kit_version}, or another kit digest, exercise list or isolation): "
                             "grade every shard with the same kit and options")


def _check_shards(inputs: list[Path], manifests: list[Manifest]) -> None:
    sharded = [(path, m.shard) for path, m in zip(inputs, manifests) if m.shard is not None]
    if not sharded:
        return
    if len(sharded) != len(manifests):
        raise BatchError("some inputs are shards (--shard K/N) and some are whole runs: merge the shards of "
                         "one run together")
    try:
        shards = [(path, Shard.parse(text)) for path, text in sharded]
    except ValueError as exc:
        raise BatchError(f"a manifest names a shard wrongly: {exc}") from exc
    counts = {shard.count for _, shard in shards}
    if len(counts) != 1:
        raise BatchError(f"the inputs split the class differently ({', '.join(str(s) for _, s in shards)}): "
                         "merge the N shards of one run")
    count = counts.pop()
    seen: dict[int, Path] = {}
    for path, shard in shards:
        if shard.index in seen:
            raise BatchError(f"shard {shard} is given twice ({seen[shard.index]} and {path})")
        seen[shard.index] = path
    if missing := [f"{k}/{count}" for k in range(1, count + 1) if k not in seen]:
        raise BatchError(f"shard(s) {', '.join(missing)} missing: their students would have no grade. "
                         "Merge every shard's output")
