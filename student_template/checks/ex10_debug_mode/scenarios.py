"""Scenarios for the public checks of ex10 (run by the world; the student's loop runs in asyncio debug mode).

``send`` is a fake of the world: every call, its times and how it ended are recorded on the
world's clock. What asyncio's debug mode reports (never-awaited coroutines, slow callbacks,
exceptions never retrieved) is reported by the student's process itself (``hygiene``).
"""

from gradekit.world import Outcome, scenario


async def notify_with_fake_send(h, users: list, latency: float, failing: list = ()) -> dict:
    """notify_all with a fake ``send`` taking ``latency`` s; users in ``failing`` make it raise."""
    def behaviour(user):
        if user in failing:
            return Outcome(latency=latency, error=ConnectionError(f"{user}: mailbox unreachable"))
        return Outcome(latency=latency)

    send, record = h.fake(behaviour)
    at_return = h.at_answer(record)  # the sends as they stood when notify_all returned (or raised)
    result, raised = None, None
    try:
        returned = await h.student.notify_all(list(users), send)
        result = returned if isinstance(returned, int) and not isinstance(returned, bool) else repr(returned)[:100]
    except NotImplementedError:
        raise  # reported as "not written yet"
    except Exception as exc:  # noqa: BLE001 - reported to the checks as data
        raised = h.describe(exc)
    return {"result": result, "raised": raised, "elapsed": h.elapsed(), "at_return": dict(at_return),
            **record.summary()}


@scenario(debug=True)
async def notify(h, users: list, latency: float, failing: list = ()):
    """notify_all with a fake ``send`` taking ``latency`` s; users in ``failing`` make it raise."""
    return await notify_with_fake_send(h, users, latency, failing)
