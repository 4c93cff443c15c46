"""Idempotent stream consumers: XREADGROUP loops, reclaim of stuck entries, dead-lettering.

For each entry the handler runs inside one database transaction together with the insert of
the event's id into ``processed_event``; the entry is XACKed only after that commit. So a
duplicate delivery finds the id already recorded and has no effect, and a consumer that dies
before acking leaves the entry pending, to be reclaimed by another consumer (XAUTOCLAIM after
an idle timeout, which counts the delivery). An entry delivered ``max_deliveries`` times is
copied to the service's dead-letter stream with its last error and acked, so later events
keep flowing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError
from tortoise.transactions import in_transaction

from chassis.events.envelope import Envelope, dead_letter_stream, stream_for
from chassis.observability import (
    EVENT_LAG,
    EVENTS_CONSUMED,
    EVENTS_DEAD_LETTERED,
    EVENTS_DUPLICATE,
    EVENTS_FAILED,
)

logger = logging.getLogger("chassis.consumer")

Handler = Callable[[Envelope], Awaitable[None]]


TRANSIENT_RETRIES = 3
# deadlock_detected, serialization_failure: rolled back, and may simply be run again.
TRANSIENT_SQLSTATES = {"40P01", "40001"}


def _transient(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if getattr(exc, "sqlstate", None) in TRANSIENT_SQLSTATES:
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def default_consumer_name(group: str) -> str:
    return f"{group}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class EventConsumer:
    def __init__(
        self,
        redis: Redis,
        *,
        group: str,
        handlers: dict[str, Handler],
        consumer_name: str | None = None,
        batch_size: int = 50,
        block_ms: int = 1000,
        reclaim_idle_ms: int = 30_000,
        max_deliveries: int = 5,
        connection_name: str = "default",
        concurrency: int = 1,
    ) -> None:
        self.redis = redis
        self.group = group
        self.handlers = dict(handlers)
        self.consumer_name = consumer_name or default_consumer_name(group)
        self.batch_size = batch_size
        self.block_ms = block_ms
        self.reclaim_idle_ms = reclaim_idle_ms
        self.max_deliveries = max_deliveries
        self.connection_name = connection_name
        # Entries of one read handled at once. Each holds a database connection; overlapping
        # them lets Postgres flush their commits together instead of one fsync after another.
        # Safe for the same reason replicas are: handlers tolerate any order.
        self.concurrency = max(1, concurrency)
        self.streams = {stream_for(t): t for t in self.handlers}
        self._errors_key = f"consumer-errors:{group}"
        # Set when a handler failed because the database itself is unreachable: reading and
        # reclaiming pause until it answers, so an outage burns no delivery attempts.
        self.database_down = False

    async def ensure_groups(self) -> None:
        """Create each group from id 0, so events produced before we first ran are processed."""
        for stream in self.streams:
            try:
                await self.redis.xgroup_create(stream, self.group, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    async def poll_once(self, block_ms: int | None = None) -> int:
        """Read and handle one batch of new entries; returns how many were read."""
        if not self.streams:
            return 0
        response: Any = await self.redis.xreadgroup(
            self.group,
            self.consumer_name,
            {stream: ">" for stream in self.streams},
            count=self.batch_size,
            # Redis reads BLOCK 0 as "wait forever"; here 0 means "do not wait".
            block=(self.block_ms if block_ms is None else block_ms) or None,
        )
        batch = [
            (stream.decode() if isinstance(stream, bytes) else stream, entry_id, fields)
            for stream, entries in response or []
            for entry_id, fields in entries
        ]
        # FIFO: with a concurrency of 1 the entries run one after another, in read order.
        limit = asyncio.Semaphore(self.concurrency)

        async def one(stream: str, entry_id: Any, fields: dict[Any, Any]) -> None:
            async with limit:
                if not self.database_down:  # else left pending; reclaimed once it is back
                    await self.handle_entry(stream, entry_id, fields)

        # Every entry settles before the first error (Redis gone, say) is raised to the run loop.
        results = await asyncio.gather(*(one(*entry) for entry in batch), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return len(batch)

    async def database_ready(self) -> bool:
        try:
            async with in_transaction(self.connection_name) as conn:
                await conn.execute_query("SELECT 1")
        except Exception:
            return False
        return True

    async def reclaim_once(self) -> int:
        """Dead-letter entries delivered too often, then claim and handle ones left idle."""
        if not await self.database_ready():
            return 0
        handled = 0
        for stream in self.streams:
            pending: Any = await self.redis.xpending_range(
                stream, self.group, min="-", max="+", count=100, idle=self.reclaim_idle_ms
            )
            for item in pending:
                if item["times_delivered"] >= self.max_deliveries:
                    await self._dead_letter(stream, item["message_id"], item["times_delivered"])
            claim: Any = await self.redis.xautoclaim(
                stream,
                self.group,
                self.consumer_name,
                min_idle_time=self.reclaim_idle_ms,
                start_id="0-0",
                count=self.batch_size,
            )
            for entry_id, fields in claim[1]:
                if fields is None:  # trimmed from the stream while pending
                    await self.redis.xack(stream, self.group, entry_id)
                    continue
                handled += 1
                await self.handle_entry(stream, entry_id, fields)
        return handled

    async def handle_entry(self, stream: str, entry_id: Any, raw: dict[Any, Any]) -> bool:
        """Apply one entry's effect at most once; returns True when it was acked."""
        fields = {_text(k): _text(v) for k, v in raw.items()}
        event_type = self.streams.get(stream, fields.get("type", "unknown"))
        try:
            envelope = Envelope.from_fields(fields)
        except Exception as exc:
            # A malformed envelope can never succeed: no point retrying it.
            await self._dead_letter(
                stream, entry_id, 1, fields=fields, error=f"bad envelope: {exc}"
            )
            return True
        handler = self.handlers[event_type]
        try:
            inserted = await self._apply(envelope, handler)
        except Exception as exc:
            if not await self.database_ready():
                self.database_down = True
                logger.warning("database unavailable; pausing consumption: %r", exc)
                return False
            EVENTS_FAILED.labels(event_type).inc()
            logger.warning(
                "event handler failed; entry stays pending for retry",
                extra={"stream": stream, "entry_id": _text(entry_id), "error": repr(exc)},
            )
            with contextlib.suppress(RedisError):
                await self.redis.hset(self._errors_key, _text(entry_id), repr(exc)[:2000])
            return False
        await self.redis.xack(stream, self.group, entry_id)
        if inserted:
            EVENTS_CONSUMED.labels(event_type).inc()
            lag = (datetime.now(timezone.utc) - envelope.occurred_at).total_seconds()
            EVENT_LAG.labels(event_type).observe(max(lag, 0.0))
        else:
            EVENTS_DUPLICATE.labels(event_type).inc()
        with contextlib.suppress(RedisError):
            await self.redis.hdel(self._errors_key, _text(entry_id))
        return True

    async def _apply(self, envelope: Envelope, handler: Handler) -> bool:
        """The handler and the ``processed_event`` row in one transaction. A deadlock or
        serialization failure (concurrent handlers, replicas) rolled everything back: retried
        at once, a few times, rather than left for the reclaim."""
        for attempt in range(TRANSIENT_RETRIES + 1):
            try:
                async with in_transaction(self.connection_name) as conn:
                    inserted = await conn.execute_query_dict(
                        "INSERT INTO processed_event (event_id, event_type, processed_at) "
                        "VALUES ($1, $2, now()) ON CONFLICT DO NOTHING RETURNING event_id",
                        [envelope.event_id, envelope.type],
                    )
                    if inserted:
                        await handler(envelope)
                return bool(inserted)
            except Exception as exc:
                if attempt == TRANSIENT_RETRIES or not _transient(exc):
                    raise
                await asyncio.sleep(0.005 * (attempt + 1))
        raise AssertionError("unreachable")

    async def _dead_letter(
        self,
        stream: str,
        entry_id: Any,
        deliveries: int,
        *,
        fields: dict[str, str] | None = None,
        error: str | None = None,
    ) -> None:
        if fields is None:
            entries: Any = await self.redis.xrange(stream, min=entry_id, max=entry_id)
            fields = {_text(k): _text(v) for k, v in entries[0][1].items()} if entries else {}
        if error is None:
            stored = await self.redis.hget(self._errors_key, _text(entry_id))
            error = _text(stored) if stored else "unknown error"
        record = {
            **fields,
            "dlq_stream": stream,
            "dlq_entry_id": _text(entry_id),
            "dlq_group": self.group,
            "dlq_deliveries": str(deliveries),
            "dlq_error": error,
        }
        pipe = self.redis.pipeline(transaction=True)
        pipe.xadd(dead_letter_stream(self.group), record)  # type: ignore[arg-type]
        pipe.xack(stream, self.group, entry_id)
        pipe.hdel(self._errors_key, _text(entry_id))
        await pipe.execute()
        EVENTS_DEAD_LETTERED.labels(self.streams.get(stream, "unknown")).inc()
        logger.error(
            "event dead-lettered",
            extra={"stream": stream, "entry_id": _text(entry_id), "error": error},
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Long-running XREADGROUP BLOCK loop; survives Redis and database outages."""
        backoff = 0.1
        groups_ready = False
        while not stop.is_set():
            try:
                if self.database_down:
                    if not await self.database_ready():
                        await _sleep_or_stop(stop, 1.0)
                        continue
                    self.database_down = False
                if not groups_ready:
                    await self.ensure_groups()
                    groups_ready = True
                await self.poll_once()
                backoff = 0.1
            except (RedisError, OSError) as exc:
                groups_ready = False  # a restarted Redis without persistence lost them
                logger.warning("consumer cannot read from Redis, retrying: %s", exc)
                await _sleep_or_stop(stop, backoff)
                backoff = min(backoff * 2, 5.0)
            except Exception:
                logger.exception("consumer loop error, retrying")
                await _sleep_or_stop(stop, backoff)
                backoff = min(backoff * 2, 5.0)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
