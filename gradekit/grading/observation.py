"""What came back from one sandboxed scenario, judged only on the trusted side."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from gradekit.grading.feedback import CheckFailure
from gradekit.sandbox import ChildOutcome

FINAL_EVENTS = ("result", "import_error", "stalled")
EXCERPT = 400


def _excerpt(text: str) -> str:
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else "?" for ch in text.strip())
    return text if len(text) <= EXCERPT else text[:EXCERPT] + " …"


def _where(info: dict) -> str:
    return f" at {info['where']}" if info.get("where") else ""


@dataclass
class Observation:
    """Parsed report of one child; ``status`` says whether it can be trusted as data."""

    scenario: str
    status: str  # ok, raised, timeout, stalled, import_error, crashed, missing
    final: dict = field(default_factory=dict)
    outcome: ChildOutcome | None = None
    reason: str = ""

    @classmethod
    def from_outcome(cls, scenario: str, nonce: str, outcome: ChildOutcome) -> Observation:
        imported, final = False, None
        for line in outcome.results.decode("utf-8", errors="replace").splitlines():
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if not isinstance(message, dict) or message.get("nonce") != nonce:
                continue
            if message.get("event") == "imported":
                imported = True
            elif message.get("event") in FINAL_EVENTS:
                final = message
                break
        if final is None:
            return cls(scenario, "crashed" if imported else "import_error", {}, outcome,
                       _silent_exit_reason(outcome, imported))
        status = {"import_error": "import_error", "stalled": "stalled"}.get(final["event"], final.get("status", "crashed"))
        return cls(scenario, status, final, outcome, _reason(status, final))

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

    def value(self) -> Any:
        """The scenario's returned data; a failed check with the reason if there is none."""
        if not self.ok:
            raise CheckFailure(self.reason)
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
    if status == "raised" and error.get("type") == "AttributeError" and "has no attribute" in error.get("message", ""):
        return (f"your module is missing something the exercise needs: {error.get('message')}. "
                "Keep the names and signatures of the statement exactly.")
    if status == "raised":
        return f"your code raised {error.get('type')}: {error.get('message')}{_where(error)}."
    if status == "timeout":
        return ("your code did not finish: the check gave up after waiting a long time on the event loop's clock "
                "(is something awaited that never completes?).")
    if status == "stalled":
        where = f" (at {final['where']})" if final.get("where") else ""
        if final.get("timeout"):
            return f"your code was still running when the time limit struck{where}: an endless loop?"
        return (f"your code blocked the event loop for over {final.get('seconds')} s in a single step{where}: "
                "a busy loop or a blocking call inside a coroutine.")
    return f"the check could not run ({status})."


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
