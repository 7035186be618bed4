"""``--shard K/N``: which students one machine of a cluster grades.

A student belongs to shard ``K`` of ``N`` when a stable hash of their name (SHA-256,
not Python's ``hash``, which changes with every process) is ``K - 1`` modulo ``N``.
The slice depends only on the name, never on the rest of the class, so:

- the ``N`` shards of a folder hold every student exactly once, whatever order the
  machines see the folder in;
- a student keeps their shard when others are added or removed, so re-running a shard
  into the same output folder resumes it (only new or changed submissions are graded);
- two entries that claim the same student (``alice/`` and ``alice.zip``) land in the
  same shard, where they are reported as duplicates.

``K`` counts from 1, as in ``--shard 1/3`` … ``--shard 3/3`` (a GitHub Actions matrix
or a SLURM array written ``1-3``); a Kubernetes indexed Job counts from 0, so its
worked example passes ``$((JOB_COMPLETION_INDEX + 1))`` (see docs/batch.md).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

__all__ = ["Shard"]

_FORM = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1 or not 1 <= self.index <= self.count:
            raise ValueError(f"a shard is K/N with 1 <= K <= N, not {self.index}/{self.count}")

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"2/3"`` -> ``Shard(2, 3)``; ``ValueError`` saying the expected form otherwise."""
        match = _FORM.match(text)
        if not match:
            raise ValueError(f"--shard takes K/N (for example 2/3: the second of three slices), not {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    def holds(self, key: str) -> bool:
        """Whether the student whose identity key is ``key`` belongs to this shard."""
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"
