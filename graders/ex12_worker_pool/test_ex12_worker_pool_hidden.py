from gradekit.grading import (calls_timeline, check, durations, expect, expect_happened, expect_no_leaked_tasks,
                              limited_shape, stopped_shape)

EXERCISE = "ex12_worker_pool"

HANG_HINT = ("a pool usually hangs when queue.join() waits for a queue.task_done() that never comes "
             "(call it once per queue.get(), in a finally), or when a worker waits on queue.get() nobody feeds.")


def _value(observation):
    """The scenario's data; a hang gets a hint about task_done/join."""
    return observation.value(hint=HANG_HINT if observation.status == "timeout" else None)


@check("never more than `workers` in flight, and exactly `workers` reached", points=2)
def test_workers_in_flight(run, timeline):
    items = [f"job{i}" for i in range(10)]
    value = _value(run("pool", items=items, latency=0.2, workers=3))
    # Keys are the grader's neutral names (job0, job1…); the shape uses the student's own durations.
    took = dict(durations(value["calls"], str))
    timeline(calls_timeline(value["calls"], "handle(item) calls with 3 workers on the check's clock", label=str,
                            expected=limited_shape([(i, took[i]) for i in items], 3) if set(items) <= set(took)
                            else None))
    expect(value["peak"] == 3, "never more than `workers` handles in flight, and exactly `workers` reached",
           expected="a peak of 3 handles in flight with workers=3", observed=f"a peak of {value['peak']}",
           hint="start exactly `workers` consumer tasks, each handling one item at a time from the queue.")


@check("no worker task left when it returns", points=2)
def test_no_worker_left(run):
    items = [f"job{i}" for i in range(6)]
    observation = run("pool", items=items, latency=0.1, workers=4)
    value = _value(observation)
    prop = "no worker task left when it returns"
    handled = {c["key"] for c in value["calls"]}
    expect_happened(handled >= set(items), prop, needs=f"process_all handles all {len(items)} items",
                    observed=f"{len(handled & set(items))} item(s) handled",
                    hint="start `workers` worker tasks that take the items from an asyncio.Queue and await handle(item).")
    expect_no_leaked_tasks(observation.hygiene.get("pending_tasks", []), prop, when="when process_all returns",
                           hint="once the queue is drained, cancel the workers (they wait forever on queue.get()) "
                                "and await them, or end each one with a sentinel.")


@check("an exception from handle propagates and stops the other workers", points=2)
def test_error_stops_the_pool(run, timeline):
    latencies = {f"job{i}": 0.3 for i in range(8)}
    latencies["job2"] = 0.1  # starts at 0.3 s, raises at 0.4 s while job3 is still running
    value = _value(run("pool_with_error", latencies=latencies, failing="job2", workers=2))
    timeline(calls_timeline(value["calls"], "handle(item) calls with 2 workers on the check's clock", label=str,
                            expected=stopped_shape(limited_shape(latencies, 2), 0.4, failed="job2")))
    prop = "an exception from handle propagates and stops the other workers"
    hint = ("let the worker's exception end process_all (await the workers with asyncio.wait/gather, or use a "
            "TaskGroup) and cancel and await the other workers before raising.")
    if "returned" in value:
        observed = f"process_all returned {value['returned']!r} at {value['elapsed']:.3f} s"
    else:
        observed = f"raised {value['raised']['type']}: {value['raised']['message']} at {value['elapsed']:.3f} s"
    expect(value.get("original", False), prop,
           expected="the ValueError raised by handle (alone or in an ExceptionGroup)", observed=observed, hint=hint)
    failed_at = next(c["ended"] for c in value["calls"] if c["key"] == "job2")
    late = sorted(c["key"] for c in value["calls"] if c["started"] > failed_at + 1e-6)  # read 1 s later
    expect(not late, prop, expected=f"no handle started after the failure at {failed_at:.3f} s",
           observed=f"{len(late)} started later: {', '.join(late)}", hint=hint)
    running = sorted(c["key"] for c in value["at_end"]["calls"] if c["outcome"] == "running")
    expect(not running, prop, expected="no handle still running when the exception reaches the caller",
           observed=f"still running: {', '.join(running)}", hint=hint)
