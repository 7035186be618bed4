"""Scenarios for the hidden checks of ex05 (run by the world).

``fetch_with`` comes from the public scenarios (exercises/ex05_timeouts/checks/scenarios.py).
"""

from gradekit.world import public_scenarios
from gradekit.world import scenario

_public = public_scenarios(__file__)
fetch_with = _public.fetch_with


@scenario
async def fetch_once(h, latency: float, timeout: float, error: str | None = None):
    """One call of fetch_with_timeout; the fetch takes ``latency`` s then returns, or raises
    ``ValueError(error + a per-run token)`` when ``error`` is given (so only fetch can raise it)."""
    message = f"{error} [{h.token('error')}]" if error is not None else None
    failure = ValueError(message) if message is not None else None
    value = await fetch_with(h, latency, timeout, failure)
    return {**value, "error_message": message}
