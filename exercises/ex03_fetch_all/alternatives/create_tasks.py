"""Starts every fetch as a task, then awaits the tasks in input order."""

import asyncio


async def fetch_all(urls, fetch):
    tasks = [asyncio.create_task(fetch(url)) for url in urls]
    try:
        return [await task for task in tasks]
    finally:
        for task in tasks:
            task.cancel()
