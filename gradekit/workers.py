"""Worker processes that never outlive the grader that started them.

Grading splits work over processes (a submission's exercises, the self-check's
proofs). If the grader is killed — by a signal, by CI's timeout, by a student's code
under the process fallback — its workers must die with it, or they go on grading,
holding sandboxes, long after anyone reads the result. On Linux each worker asks the
kernel for ``SIGKILL`` when its parent dies (``PR_SET_PDEATHSIG``); its sandboxes
follow it (bubblewrap's ``--die-with-parent``).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers die with this process (forked on Linux: cheap to start)."""
    context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=die_with_parent,
                               initargs=(os.getpid(),))


def die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
