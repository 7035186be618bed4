"""What the world saw of one scenario, judged only on the trusted side.

The world's records are its own, but strings in them may come from the student's
process (exception types, messages and locations, stall locations, hygiene lines,
printed output): :meth:`Observation.from_world` passes every string a check or a report
may show through :func:`gradekit.report.sanitize.clean`, which strips terminal escapes
and control characters and caps the length. The scenario's returned ``value`` (and
``events``) stay as they are: they are data for the checks, and whatever a check quotes
from them is cleaned again when its feedback enters the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gradekit.grading.feedback import BLOCKED_LOOP, TIMEOUT, CheckFailure
from gradekit.report.sanitize import clean
from gradekit.sandbox import ChildOutcome

EXCERPT = 400  # output excerpts quoted in a reason
MESSAGE = 400  # exception messages
WHERE = 200  # locations ("ex03_fetch_all.py:11 in polite"), exception type names, stall kinds
STDOUT = 2000  # what the scenario printed: checks compare it, so keep more
HYGIENE_LINE = 400  # the child keeps both ends of a line within 300 characters
MAX_ITEMS = 100  # sub-exceptions, hygiene lines per kind


def _excerpt(text: str) -> str:
    return clean(text.strip(), EXCERPT, multiline=True)


def _clean_error(error: Any, depth: int = 0) -> dict | None:
    if not isinstance(error, dict):
        return None
    info = {"type": clean(error.get("type", ""), WHERE), "message": clean(error.get("message", ""), MESSAGE),
            "where": clean(error.get("where", ""), WHERE)}
    if isinstance(error.get("exceptions"), list) and depth < 5:
        info["exceptions"] = [e for e in (_clean_error(sub, depth + 1) for sub in error["exceptions"][:MAX_ITEMS]) if e]
    return info


def _clean_stall(stall: Any) -> dict | None:
    if not isinstance(stall, dict):
        return None
    seconds = stall.get("seconds")
    cleaned = {key: clean(value, WHERE) if isinstance(value, str) else value for key, value in stall.items()}
    cleaned.update(kind=clean(stall.get("kind", ""), WHERE), where=clean(stall.get("where", ""), WHERE),
                   seconds=float(seconds) if isinstance(seconds, (int, float)) else 0.0)
    return cleaned


def _clean_final(final: dict) -> dict:
    """The child's final message with every string a check or report may show sanitised."""
    final = dict(final)
    for key, limit, multiline in (("where", WHERE, False), ("output", EXCERPT, True), ("status", WHERE, False),
                                  ("reason", MESSAGE, False)):
        if key in final:
            final[key] = clean(final[key], limit, multiline=multiline)
    if "stdout" in final:
        final["stdout"] = clean(final["stdout"], STDOUT, multiline=True, placeholder="\ufffd")
    if "error" in final:
        final["error"] = _clean_error(final["error"])
    if "seconds" in final and not isinstance(final["seconds"], (int, float)):
        final["seconds"] = clean(final["seconds"], WHERE)
    stalls = final.get("stalls")
    final["stalls"] = [s for s in map(_clean_stall, stalls) if s] if isinstance(stalls, list) else []
    hygiene = final.get("hygiene")
    final["hygiene"] = {
        clean(kind, WHERE): [clean(line, HYGIENE_LINE) for line in lines[:MAX_ITEMS]]
        for kind, lines in (hygiene.items() if isinstance(hygiene, dict) else ())
        if isinstance(lines, list)
    }
    return final


def _where(info: dict) -> str:
    return f" at {info['where']}" if info.get("where") else ""


@dataclass
class Observation:
    """Parsed report of one child; ``status`` says whether it can be trusted as data."""

    scenario: str
    status: str  # ok, raised, timeout, stalled, import_error, crashed, missing
    final: dict = field(default_factory=dict)
    outcome: ChildOutcome | None = None
    reason: str = ""  # what went wrong, when status is not ok
    flag: str = ""  # why this check flags the submission for review (it tampered), or ''
    hint: str = ""  # a step toward the concept, for the failures that have one (a timeout, a blocked loop)

    @classmethod
    def from_world(cls, scenario: str, result) -> Observation:
        """What the world (:mod:`gradekit.world`) saw; only the strings from the student's process are cleaned."""
        final = _clean_final(result.final)
        event = final.get("event")
        if event == "crashed":
            outcome = result.outcome or ChildOutcome(None, False, "", "", 0.0)
            imported = bool(final.get("imported"))
            return cls(scenario, "crashed" if imported else "import_error", final, result.outcome,
                       _silent_exit_reason(outcome, imported))
        if final.get("status") == "tampered":
            return cls(scenario, "tampered", final, result.outcome, final.get("reason", ""), flag=final.get("reason", ""))
        status = {"import_error": "import_error", "stalled": "stalled"}.get(event, final.get("status", "crashed"))
        return cls(scenario, status, final, result.outcome, _reason(status, final), hint=_hint(status, final))

    # -- data for graders -------------------------------------------------
    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def stalls(self) -> list[dict]:
        return self.final.get("stalls", [])

    @property
    def hygiene(self) -> dict:
        return self.final.get("hygiene", {})

    @property
    def stdout(self) -> str:
        return self.final.get("stdout", "")

    @property
    def error(self) -> dict | None:
        return self.final.get("error")

    def message(self, hint: str | None = None) -> str:
        """The reason, then the hint (``hint`` when given: a check that knows more about its exercise)."""
        hint = self.hint if hint is None else hint
        return f"{self.reason} Hint: {hint}" if hint else self.reason

    def value(self, *, hint: str | None = None) -> Any:
        """The scenario's returned data; a failed check with :meth:`message` if there is none.

        ``hint`` replaces the general hint of a timeout or a blocked loop with one about the
        exercise (a worker pool that hangs usually misses a ``task_done()``)."""
        if not self.ok:
            raise CheckFailure(self.message(hint))
        return self.final.get("value")


def _reason(status: str, final: dict) -> str:
    error = final.get("error") or {}
    if status == "ok":
        return ""
    if status == "import_error":
        if final.get("timeout"):
            return f"your module did not finish importing within the time limit (an endless loop at import?{_where(final)})."
        output = f" Output: {_excerpt(final.get('output', ''))}" if final.get("output", "").strip() else ""
        encoding = " (save the file as UTF-8)" if "codec can't decode" in str(error.get("message")) else ""
        return (f"your module could not be imported: {error.get('type')}: {error.get('message')}{_where(error)}"
                f"{encoding}.{output}")
    if status == "raised" and error.get("type") == "NotImplementedError":
        return (f"not written yet: {error.get('where') or 'your function'} still raises NotImplementedError "
                f"({error.get('message')}). Replace the stub's body with your solution.")
    if status == "raised" and error.get("type") in ("AttributeError", "MissingFromModule") \
            and "has no attribute" in error.get("message", ""):
        return (f"your module is missing something the exercise needs: {error.get('message')}. "
                "Keep the names and signatures of the statement exactly.")
    if status == "raised":
        return f"your code raised {error.get('type')}: {error.get('message')}{_where(error)}."
    if status == "timeout":
        return f"{_gave_up(final.get('gave_up'))} {TIMEOUT.sentence()}"
    if status == "stalled":
        where = f" (at {final['where']})" if final.get("where") else ""
        if final.get("timeout"):
            return (f"your code was still running, without awaiting, when the time limit struck{where}: an endless "
                    f"loop? {TIMEOUT.sentence('while blocking the event loop')}")
        return (f"your code blocked the event loop for over {final.get('seconds')} s in a single step{where}: "
                f"a busy loop or a blocking call inside a coroutine. {BLOCKED_LOOP.sentence()}")
    return f"the check could not run ({status})."


def _hint(status: str, final: dict) -> str:
    """The general hint of a failure that has one."""
    if status == "timeout":
        return TIMEOUT.hint
    if status == "stalled":
        return "every loop inside a coroutine must end, or await something on each turn" if final.get("timeout") \
            else BLOCKED_LOOP.hint
    return ""


def _gave_up(seen) -> str:
    """Why a scenario ran out of time, in what the world observed."""
    if not isinstance(seen, dict):
        return "your code did not finish: the check gave up after waiting a long time on the event loop's clock."
    numbers = {k: v for k, v in seen.items() if isinstance(v, (int, float))}
    clock = numbers.get("clock", 0)
    waiting = "its process was waiting (idle)" if seen.get("student_idle") is True else "its process was busy"
    return (f"your code did not finish within {clock:g} s on the check's clock: {numbers.get('calls_unanswered', 0):g} "
            f"call(s) of your functions had not returned and {waiting}; the grader's fakes were called "
            f"{numbers.get('fake_calls', 0):g} time(s), {numbers.get('fake_calls_running', 0):g} still running.")


def _silent_exit_reason(outcome: ChildOutcome, imported: bool) -> str:
    when = "while running your code" if imported else "while importing your module"
    if outcome.timed_out:
        cause = "it was killed after the wall-clock limit"
    elif outcome.signal_name:
        cause = f"it was killed by {outcome.signal_name}"
        if outcome.signal_name == "SIGXCPU":
            cause += " (CPU time limit)"
    else:
        cause = f"it exited with code {outcome.returncode} (os._exit or a crash?)"
    tail = _excerpt(outcome.stderr)
    return f"the process ended {when} without a report: {cause}." + (f" Last output: {tail}" if tail else "")
