"""Grading a whole class: ``batch``, ``--shard``, ``merge``.

From the command line (docs/batch.md is the instructors' guide)::

    python grade.py batch submissions/ --jobs 2 --output out/        # one folder or .zip per student
    python grade.py batch submissions/ --shard 2/3 --output out-2/   # one slice, on one machine
    python grade.py merge out-1/ out-2/ out-3/ --output out/         # the slices combined

From Python::

    from gradekit.batch import BatchOptions, merge_outputs, run_batch
    result = run_batch(Kit.at(root), BatchOptions(source=Path("submissions"), output=Path("out"), jobs=2))
    result.manifest.submissions["alice"].status       # "graded", "rejected", "timeout", …
    print(render_summary(summarise(result.manifest, result.finished.reports)))

The output folder (:mod:`gradekit.batch.output`) holds ``manifest.json``
(:mod:`~gradekit.batch.manifest`: each submission's status), ``reports/<student>.json``,
``gradebook.csv`` (:mod:`~gradekit.batch.gradebook`) and ``dashboard/``
(:mod:`gradekit.dashboard`). One module per concern: :mod:`~gradekit.batch.intake`
finds the students and takes their files (:mod:`~gradekit.batch.unzip` unpacks zips
without trusting them), :mod:`~gradekit.batch.digest` decides what a re-run may keep,
:mod:`~gradekit.batch.runner` schedules the gradings, each in a process of its own
(:mod:`~gradekit.batch.child`), :mod:`~gradekit.batch.progress` shows them,
:mod:`~gradekit.batch.summary` sums the class up.
"""

from gradekit.batch.manifest import STATUSES, BatchError, Manifest, Record
from gradekit.batch.merge import merge_outputs
from gradekit.batch.runner import BatchOptions, BatchResult, run_batch
from gradekit.batch.shard import Shard
from gradekit.batch.summary import render_summary, summarise

__all__ = ["STATUSES", "BatchError", "BatchOptions", "BatchResult", "Manifest", "Record", "Shard", "merge_outputs",
           "render_summary", "run_batch", "summarise"]
