"""Public checks of ex12: students can read and run these."""

from collections import Counter

from gradekit.grading import check, expect

EXERCISE = "ex12_worker_pool"

HANG_HINT = ("a pool usually hangs when queue.join() waits for a queue.task_done() that never comes "
             "(call it once per queue.get(), in a finally), or when a worker waits on queue.get() nobody feeds.")


def _value(observation):
    """The scenario's data; a hang gets a hint about task_done/join."""
    return observation.value(hint=HANG_HINT if observation.status == "timeout" else None)
LATENCIES = {"a": 0.5, "b": 0.1, "c": 0.4, "d": 0.2, "e": 0.3, "f": 0.1, "g": 0.2, "h": 0.1}


@check("results in input order", points=2)
def test_results_in_input_order(run):
    value = _value(run("pool", latencies=LATENCIES, workers=3))
    expected = value["expected"]  # per-run tokens: only calling handle gives them
    expect(value["result"] == expected, "results in input order (3 workers, mixed latencies)", expected=expected,
           observed=value["result"],
           hint="workers finish in any order: put (index, item) in the queue and store each result at its index.")


@check("each item handled exactly once", points=2)
def test_each_item_handled_once(run):
    value = _value(run("pool", latencies=LATENCIES, workers=3))
    handled = Counter(call["key"] for call in value["calls"])
    expected = Counter(list(LATENCIES))
    expect(handled == expected, "each item handled exactly once", expected=dict(sorted(expected.items())),
           observed=dict(sorted(handled.items())),
           hint="put every item in the queue once; each worker takes items with await queue.get() until the work is done.")
