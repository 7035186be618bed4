"""Awaits each job in turn inside try/except: right results, but the jobs run one after another."""

EXPECTED_TO_FAIL = ["test_elapsed_is_the_slowest_job"]


async def run_jobs(jobs):
    results = []
    for job in jobs:
        try:
            results.append(await job())
        except Exception as exc:
            results.append(exc)
    return results
