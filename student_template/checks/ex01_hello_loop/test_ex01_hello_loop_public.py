"""Public checks of ex01: students can read and run these."""

from gradekit.grading import approx, check, expect, fmt_seconds
from gradekit.grading.feedback import blocking_note

EXERCISE = "ex01_hello_loop"
DELAY = 0.5


def _shown(text: str, limit: int = 120) -> str:
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f" … ({len(text)} characters)"


@check("output is exactly Hello\\nWorld\\n", points=2)
def test_output_is_hello_world(run):
    observation = run("hello_timed", delay=DELAY)
    observation.value()
    expect(observation.stdout == "Hello\nWorld\n", "hello_world() prints exactly 'Hello\\nWorld\\n'",
           expected=repr("Hello\nWorld\n"), observed=_shown(observation.stdout),
           hint="two print() calls, one per word: print('Hello'), then print('World') after the wait.")


@check("waits delay seconds between Hello and World", points=3)
def test_waits_delay_between_lines(run):
    observation = run("hello_timed", delay=DELAY)
    value = observation.value()
    printed = value["last_print_at"] is not None and value["first_print_at"] is not None
    gap = value["last_print_at"] - value["first_print_at"] if printed else None
    notes = [blocking_note(observation.stalls)]
    if any("sleep" in w for w in observation.hygiene.get("never_awaited", [])):
        notes.append("asyncio.sleep(...) was called but never awaited, so nothing waited.")
    expect(approx(value["elapsed"], DELAY) and (not printed or approx(gap, DELAY)),
           f"hello_world({DELAY}) waits {DELAY} s between Hello and World",
           expected=f"World printed ≈ {DELAY:.3f} s after Hello, and the call takes ≈ {DELAY:.3f} s",
           observed=f"World printed {fmt_seconds(gap)} after Hello, the call took {fmt_seconds(value['elapsed'])}",
           note=" ".join(n for n in notes if n),
           hint="between the two prints, `await asyncio.sleep(delay)` — use the delay parameter, and don't forget await.")
