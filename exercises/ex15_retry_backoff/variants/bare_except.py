"""A bare `except:` retries everything: exceptions outside retry_on, and CancelledError too."""

import asyncio
import sys

EXPECTED_TO_FAIL = ["test_cancel_not_retried", "test_non_retryable_at_once"]


async def retry(op, attempts, base_delay, retry_on=(Exception,)):
    last = None
    for attempt in range(attempts):
        try:
            return await op()
        except:  # noqa: E722
            last = sys.exc_info()[1]
        if attempt < attempts - 1:
            await asyncio.sleep(base_delay * 2 ** attempt)
    raise last
