"""Scenarios for the public checks of ex02 (run in the sandbox)."""

from gradekit.harness import scenario


@scenario
async def count_names(h, names: list[str], delay: float, settle: float = 0.0):
    """count_all(names, delay); ``settle`` > 0 also reads the returned log again that much later
    (``settled``: what the counts wrote, even those count_all forgot to wait for)."""
    log = await h.student.count_all(list(names), delay)
    # Copy at once: tasks the student left running must not change what was returned.
    returned = list(log) if isinstance(log, (list, tuple)) else log
    value = {"log": returned, "elapsed": h.elapsed()}
    if settle:
        await h.sleep(settle)
        value["settled"] = list(log) if isinstance(log, (list, tuple)) else log
    return value
