from __future__ import annotations

import asyncio

from chassis.scheduler import Scheduler


async def test_jobs_run_periodically_and_never_overlap() -> None:
    scheduler = Scheduler()
    runs = 0
    concurrent = 0
    max_concurrent = 0

    async def slow_job() -> None:
        nonlocal runs, concurrent, max_concurrent
        runs += 1
        concurrent += 1
        max_concurrent = max(max_concurrent, concurrent)
        await asyncio.sleep(0.3)
        concurrent -= 1

    scheduler.every(0.05, "slow", slow_job)
    stop = asyncio.Event()
    task = asyncio.create_task(scheduler.run(stop))
    await asyncio.sleep(1.0)
    stop.set()
    await task
    assert runs >= 2
    assert max_concurrent == 1


async def test_a_failing_job_keeps_being_scheduled() -> None:
    scheduler = Scheduler()
    attempts = 0

    async def failing() -> None:
        nonlocal attempts
        attempts += 1
        raise RuntimeError("boom")

    scheduler.every(0.05, "failing", failing)
    stop = asyncio.Event()
    task = asyncio.create_task(scheduler.run(stop))
    await asyncio.sleep(0.6)
    stop.set()
    await task
    assert attempts >= 3
