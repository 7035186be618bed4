"""Resource limits for one sandboxed check."""

from __future__ import annotations

import resource
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 15.0  # hard kill of everything the check started
    cpu_seconds: int = 20
    memory_bytes: int = 1 << 30  # address space of each process
    file_bytes: int = 16 << 20  # largest file a check may write
    open_files: int = 256
    processes: int = 64  # processes and threads of one check (namespaces only, see apply)
    tmp_bytes: int = 64 << 20  # the sandbox's private /tmp, which holds the check's folder
    output_bytes: int = 64 << 10  # per stream, then "… truncated"

    def apply(self, *, count_processes: bool = False) -> None:
        """Set the rlimits of the calling process (the check's child, before student code).

        ``RLIMIT_NPROC`` counts every process of the real uid, so it is only set where
        that uid belongs to the check alone: in the sandbox's own user namespace
        (``count_processes``). The spawn fallback shares the grading user's uid.
        """
        resource.setrlimit(resource.RLIMIT_CPU, (self.cpu_seconds, self.cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (self.memory_bytes, self.memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (self.file_bytes, self.file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (self.open_files, self.open_files))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if count_processes:
            resource.setrlimit(resource.RLIMIT_NPROC, (self.processes, self.processes))

    def as_dict(self) -> dict:
        return asdict(self)
