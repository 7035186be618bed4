"""Scenarios for the public checks of ex02 (run in the sandbox)."""

from gradekit.harness import scenario


@scenario
async def count_names(h, names: list[str], delay: float):
    log = await h.student.count_all(list(names), delay)
    # Copy at once: tasks the student left running must not change what was returned.
    returned = list(log) if isinstance(log, (list, tuple)) else log
    return {"log": returned, "elapsed": h.elapsed()}
