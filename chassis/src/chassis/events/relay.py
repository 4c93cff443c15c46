"""What every relay of committed rows to Redis shares: woken by a Postgres NOTIFY at commit,
swept periodically for anything a missed notification left behind, publishing in batches, and
backing off while Redis or Postgres are unreachable.

``OutboxRelay`` (events onto their streams) and any relay of a service's own table build on
it: a subclass says how to publish one batch (``publish_batch``) and nothing else.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging

import asyncpg
from redis.exceptions import RedisError

logger = logging.getLogger("chassis.relay")


class Relay(abc.ABC):
    def __init__(
        self,
        *,
        database_url: str,
        channel: str,
        batch_size: int = 200,
        sweep_seconds: float = 2.0,
        name: str = "relay",
    ) -> None:
        self.database_url = database_url
        self.channel = channel
        self.batch_size = batch_size
        self.sweep_seconds = sweep_seconds
        self.name = name
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        self._wakeup.set()

    @abc.abstractmethod
    async def publish_batch(self) -> int | None:
        """Publish up to ``batch_size`` committed rows; how many, or None when another process
        holds the turn (a relay that must publish in order takes an advisory lock)."""

    async def publish_pending(self, *, wait_for_turn: float = 5.0) -> int:
        """Publish until nothing is pending. While another process holds the turn, wait up to
        ``wait_for_turn`` seconds; the next wake-up or sweep tries again after that."""
        total, waited = 0, 0.0
        while True:
            published = await self.publish_batch()
            if published is None:
                if waited >= wait_for_turn:
                    return total
                await asyncio.sleep(0.02)
                waited += 0.02
                continue
            total += published
            if published < self.batch_size:
                return total

    async def _listen(self, stop: asyncio.Event) -> None:
        """Hold a LISTEN connection; each commit's NOTIFY wakes the relay."""
        while not stop.is_set():
            try:
                conn = await asyncpg.connect(self.database_url)
            except (OSError, asyncpg.PostgresError) as exc:
                logger.warning(
                    "%s: listen connection failed (the sweep still runs): %s", self.name, exc
                )
                await sleep_or_stop(stop, 1.0)
                continue
            try:
                await conn.add_listener(self.channel, lambda *_: self._wakeup.set())
                self._wakeup.set()  # publish whatever committed while we were not listening
                while not stop.is_set() and not conn.is_closed():
                    await sleep_or_stop(stop, 5.0)
            finally:
                with contextlib.suppress(Exception):
                    await conn.close()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Publish at every NOTIFY and sweep until ``stop`` is set (or the task is cancelled)."""
        stop = stop or asyncio.Event()
        listener = asyncio.create_task(self._listen(stop))
        backoff = 0.1
        try:
            while not stop.is_set():
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=self.sweep_seconds)
                self._wakeup.clear()
                if stop.is_set():
                    break
                try:
                    await self.publish_pending()
                    backoff = 0.1
                except (RedisError, OSError, asyncpg.PostgresError) as exc:
                    logger.warning("%s could not publish, will retry: %s", self.name, exc)
                    await sleep_or_stop(stop, backoff)
                    backoff = min(backoff * 2, 5.0)
                    self._wakeup.set()
                except Exception:
                    logger.exception("%s failed, will retry", self.name)
                    await sleep_or_stop(stop, backoff)
                    backoff = min(backoff * 2, 5.0)
                    self._wakeup.set()
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await listener


async def sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
