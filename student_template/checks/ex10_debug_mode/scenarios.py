"""Scenarios for the public checks of ex10: the loop runs in asyncio debug mode."""

from gradekit.harness import scenario
from gradekit.harness.fakes import Outcome


async def notify_with_fake_send(h, users: list, latency: float, failing: list = ()) -> dict:
    """notify_all with a fake ``send`` taking ``latency`` s; users in ``failing`` make it raise."""
    def behaviour(user):
        if user in failing:
            return Outcome(latency=latency, error=ConnectionError(f"{user}: mailbox unreachable"))
        return Outcome(latency=latency)

    send, record = h.fake(behaviour)
    result, raised = None, None
    try:
        returned = await h.student.notify_all(list(users), send)
        result = returned if isinstance(returned, int) else repr(returned)[:100]
    except NotImplementedError:
        raise  # reported as "not written yet"
    except Exception as exc:
        raised = h.describe(exc)
    return {"result": result, "raised": raised, "elapsed": h.elapsed(), **record.summary()}


@scenario(debug=True)
async def notify(h, users: list, latency: float, failing: list = ()):
    """notify_all with a fake ``send`` taking ``latency`` s; users in ``failing`` make it raise."""
    return await notify_with_fake_send(h, users, latency, failing)
