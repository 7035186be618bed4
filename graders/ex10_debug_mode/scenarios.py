"""Scenarios for the hidden checks of ex10 (run by the world; the student's loop runs in asyncio debug mode).

``notify_with_fake_send`` comes from the public scenarios
(exercises/ex10_debug_mode/checks/scenarios.py).
"""

from gradekit.world import public_scenarios
from gradekit.world import scenario

_public = public_scenarios(__file__)
notify_with_fake_send = _public.notify_with_fake_send


@scenario(debug=True)
async def notify(h, users: list, latency: float, failing: list = ()):
    """notify_all with a fake ``send`` taking ``latency`` s; users in ``failing`` make it raise."""
    return await notify_with_fake_send(h, users, latency, failing)
