"""Scenarios for the hidden checks of ex02 (run in the sandbox)."""

from gradekit.harness import scenario


@scenario
async def count_names(h, names: list[str], delay: float):
    log = await h.student.count_all(list(names), delay)
    # Copy at once: tasks the student left running must not change what was returned.
    returned = list(log) if isinstance(log, (list, tuple)) else log
    return {"log": returned, "elapsed": h.elapsed()}


@scenario
async def count_nobody(h):
    try:
        log = await h.student.count_all([], 1.0)
    except NotImplementedError:
        raise  # the stub: let the kit say "not written yet"
    except Exception as exc:
        return {"error": h.describe(exc), "elapsed": h.elapsed()}
    return {"log": list(log) if isinstance(log, (list, tuple)) else log, "error": None, "elapsed": h.elapsed()}
