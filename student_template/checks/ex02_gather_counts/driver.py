"""Code the checks of ex02 run in your process, beside your module (``student``).

The world (the grader, outside your process) calls these functions; what they return
is read from your process, like any value your functions return.
"""

import asyncio

student = None  # your module, set by the harness before the first call
_sleep = asyncio.sleep  # taken before your module is imported


def _copy(log):
    return list(log) if isinstance(log, (list, tuple)) else log


async def count_all_settled(names: list, delay: float, settle: float):
    """count_all(names, delay); its log as returned, and the same list ``settle`` s later
    (what the counts wrote, even those count_all forgot to wait for)."""
    log = await student.count_all(names, delay)
    returned = _copy(log)  # at once: tasks left running must not change what was returned
    await _sleep(settle)
    return returned, _copy(log)
