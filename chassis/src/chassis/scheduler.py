"""Periodic jobs on the ``schedule`` library, driven from the event loop.

``schedule`` is synchronous; each job here is a coroutine function that the loop starts as a
task when due, and a job never overlaps a still-running run of itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import schedule

logger = logging.getLogger("chassis.scheduler")

Job = Callable[[], Awaitable[object]]


class Scheduler:
    def __init__(self) -> None:
        self._schedule = schedule.Scheduler()
        self._running: dict[str, asyncio.Task[object]] = {}
        self.jobs: list[str] = []

    def every(self, seconds: float, name: str, job: Job) -> None:
        self.jobs.append(name)

        def start() -> None:
            running = self._running.get(name)
            if running is not None and not running.done():
                return
            self._running[name] = asyncio.ensure_future(self._run_job(name, job))

        # schedule works in whole seconds or fractions through .seconds with a float interval.
        self._schedule.every(seconds).seconds.do(start).tag(name)  # type: ignore[arg-type]

    @staticmethod
    async def _run_job(name: str, job: Job) -> object:
        try:
            return await job()
        except Exception:
            logger.exception("scheduled job failed", extra={"job": name})
            return None

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                self._schedule.run_pending()
                idle = self._schedule.idle_seconds
                wait = 0.5 if idle is None else min(max(idle, 0.05), 0.5)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=wait)
        finally:
            for task in self._running.values():
                task.cancel()
            for task in self._running.values():
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
