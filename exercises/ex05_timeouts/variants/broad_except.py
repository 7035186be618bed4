"""Catches Exception broadly: every error from fetch becomes None instead of propagating."""

import asyncio

EXPECTED_TO_FAIL = ["test_other_errors_propagate"]


async def fetch_with_timeout(fetch, url, timeout):
    try:
        return await asyncio.wait_for(fetch(url), timeout)
    except Exception:
        return None
