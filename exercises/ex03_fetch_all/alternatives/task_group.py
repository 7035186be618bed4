"""Structured concurrency: a TaskGroup owns the fetches."""

import asyncio


async def fetch_all(urls, fetch):
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(fetch(url)) for url in urls]
    return [task.result() for task in tasks]
