from gradekit.grading import check, expect, expect_happened
from gradekit.grading.feedback import blocking_note

EXERCISE = "ex01_hello_loop"
DELAY = 1.0
TICK = 0.1


@check("another task on the same loop keeps running during the wait", points=3)
def test_other_task_keeps_running(run):
    observation = run("hello_beside_ticker", delay=DELAY, tick=TICK)
    value = observation.value()
    prop = f"a task ticking every {TICK} s keeps running while hello_world({DELAY}) waits"
    expect_happened(bool(observation.stdout.strip()), prop, needs="hello_world prints its lines",
                    observed=f"it printed nothing and returned after {value['elapsed']:.3f} s",
                    hint="print('Hello'), await asyncio.sleep(delay), print('World').")
    expect(value["longest_pause"] <= TICK * 1.5, prop,
           expected=f"a tick at least every {TICK:.3f} s",
           observed=(f"{value['ticks']} tick(s) during the {value['elapsed']:.3f} s call, "
                     f"longest pause {value['longest_pause']:.3f} s"),
           note=blocking_note(observation.stalls),
           hint="time.sleep freezes the whole event loop; `await asyncio.sleep(delay)` lets other tasks run meanwhile.")


@check("main() works with no loop running", points=2)
def test_main_runs_hello_world(run):
    value = run("main_without_loop").value()
    prop = "main() runs hello_world() to completion when no event loop exists yet"
    hint = "main() is a plain def whose body is asyncio.run(hello_world()): asyncio.run creates, runs and closes a loop."
    if value["returned"] is not None:
        expect(False, prop, expected="main() runs hello_world and returns None",
               observed=f"main() returned a {value['returned']} object" + (
                   " (is it async def?)" if value["returned"] == "coroutine" else ""), hint=hint)
    if value["error"] is not None:
        error = value["error"]
        where = f" at {error['where']}" if error.get("where") else ""
        expect(False, prop, expected="no error", observed=f"{error['type']}: {error['message']}{where}",
               hint=hint + " asyncio.get_event_loop() fails when no loop is set (always, from Python 3.14).")
    # What hello_world prints shows it ran to its end, once: Hello, then World after the wait.
    words = value["words"]
    expect(words == ["Hello", "World"], prop, expected="hello_world() runs once, to its end: Hello, then World",
           observed=f"main() printed {' '.join(words)!r}" if words else "main() printed nothing",
           hint=hint + " Calling hello_world() alone only creates a coroutine; nothing runs it.")
