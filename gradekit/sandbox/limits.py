"""Resource limits for one sandboxed child."""

from __future__ import annotations

import resource
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 15.0  # hard kill of the whole process group
    cpu_seconds: int = 20
    memory_bytes: int = 1 << 30  # address space
    file_bytes: int = 16 << 20
    open_files: int = 256
    output_bytes: int = 64 << 10  # per stream, then "… truncated"

    def apply(self) -> None:
        """Runs in the child between fork and exec."""
        resource.setrlimit(resource.RLIMIT_CPU, (self.cpu_seconds, self.cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (self.memory_bytes, self.memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.file_bytes, self.file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (self.open_files, self.open_files))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
