"""Scenarios for the hidden checks of ex02 (run in the sandbox)."""

from gradekit.harness import scenario


@scenario
async def count_names(h, names: list[str], delay: float):
    log = await h.student.count_all(list(names), delay)
    # Copy at once: tasks the student left running must not change what was returned.
    returned = list(log) if isinstance(log, (list, tuple)) else log
    return {"log": returned, "elapsed": h.elapsed()}


def _as_data(log):
    """A returned log as a list, anything else as a sentence."""
    return list(log) if isinstance(log, (list, tuple)) else f"returned {repr(log)[:120]}"


@scenario
async def count_nobody(h, solo: str = "solo", settle: float = 1.0):
    """count_all([]); then count_all([solo], 0.1) and its log ``settle`` s later (``solo_log``):
    what it does with one name shows that [] for no names is a choice, not what it always returns."""
    try:
        log = await h.student.count_all([], 1.0)
    except NotImplementedError:
        raise  # the stub: let the kit say "not written yet"
    except Exception as exc:
        value = {"error": h.describe(exc), "elapsed": h.elapsed()}
    else:
        value = {"log": list(log) if isinstance(log, (list, tuple)) else log, "error": None, "elapsed": h.elapsed()}
    try:
        solo_log = await h.student.count_all([solo], 0.1)
        await h.sleep(settle)
        value["solo_log"] = _as_data(solo_log)
    except NotImplementedError:
        raise
    except Exception as exc:
        value["solo_log"] = f"raised {type(exc).__name__}: {str(exc)[:100]}"
    return value
