"""Idempotent stream consumers: XREADGROUP loops, reclaim of stuck entries, dead-lettering.

The entries of one read are handled in one database transaction, so a batch costs one commit
(one WAL flush) however many entries it has. Inside it each entry has a savepoint holding the
insert of the event's id into ``processed_event`` and the handler's effect: an entry whose
handler fails is rolled back alone and stays pending, the others commit. Entries are XACKed
only after that commit. So a duplicate delivery, in the same batch or a later one, finds the id
already recorded and has no effect, and a consumer that dies before acking leaves its entries
pending, to be reclaimed by another consumer (XAUTOCLAIM after an idle timeout, which counts
the delivery). An entry delivered ``max_deliveries`` times is
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
from dataclasses import dataclass
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
BatchHook = Callable[[list[Envelope]], Awaitable[None]]


@dataclass(frozen=True)
class _Entry:
    stream: str
    entry_id: Any
    event_type: str
    envelope: Envelope


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
        before_batch: BatchHook | None = None,
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
        # Called with the envelopes of a batch before its handlers run, outside the
        # transaction: room for work that is cheaper once per batch than once per entry.
        self.before_batch = before_batch
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
            (_text(stream), entry_id, fields)
            for stream, entries in response or []
            for entry_id, fields in entries
        ]
        if batch and not self.database_down:  # else left pending; reclaimed once it is back
            await self.handle_batch(batch)
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
            batch = []
            for entry_id, fields in claim[1]:
                if fields is None:  # trimmed from the stream while pending
                    await self.redis.xack(stream, self.group, entry_id)
                    continue
                batch.append((stream, entry_id, fields))
            handled += len(batch)
            if batch:
                await self.handle_batch(batch)
        return handled

    async def handle_batch(self, batch: list[tuple[str, Any, dict[Any, Any]]]) -> None:
        """Apply the entries of one read, each at most once, in one transaction; ack those
        that committed. An entry whose handler fails is rolled back to its savepoint and stays
        pending alone; the others commit and are acked."""
        entries = [entry for raw in batch if (entry := await self._parse(*raw)) is not None]
        if not entries:
            return
        if self.before_batch is not None:
            try:
                await self.before_batch([entry.envelope for entry in entries])
            except Exception:
                # An optimisation only (say, one model call for the batch): handlers that find
                # nothing prepared do the work themselves.
                logger.exception("before_batch hook failed; handling the batch without it")
        try:
            outcomes = await self._apply_batch(entries)
        except Exception as exc:
            if not await self.database_ready():
                self._pause(exc)
                return
            if len(entries) == 1:
                outcomes = [exc]
            else:
                # The batch's own transaction failed (its commit, say): each entry on its own,
                # so that no entry's fault holds back or dead-letters the others.
                logger.warning("batch transaction failed, handling its entries one by one: %r", exc)
                outcomes = []
                for entry in entries:
                    try:
                        outcomes += await self._apply_batch([entry])
                    except Exception as single:
                        outcomes.append(single)
        await self._settle(entries, outcomes)

    async def _parse(self, stream: str, entry_id: Any, raw: dict[Any, Any]) -> _Entry | None:
        fields = {_text(k): _text(v) for k, v in raw.items()}
        event_type = self.streams.get(stream, fields.get("type", "unknown"))
        try:
            envelope = Envelope.from_fields(fields)
        except Exception as exc:
            # A malformed envelope can never succeed: no point retrying it.
            await self._dead_letter(
                stream, entry_id, 1, fields=fields, error=f"bad envelope: {exc}"
            )
            return None
        return _Entry(stream, entry_id, event_type, envelope)

    async def _apply_batch(self, entries: list[_Entry]) -> list[bool | Exception]:
        """One transaction for the batch, one savepoint per entry: an entry is its
        ``processed_event`` row plus its handler's effect, or nothing. Per entry: True when
        applied, False for a duplicate, the exception when its handler failed. A deadlock or
        serialization failure is retried at once, a few times, rather than left for the
        reclaim."""
        for attempt in range(TRANSIENT_RETRIES + 1):
            try:
                async with in_transaction(self.connection_name):
                    return [await self._apply_one(entry) for entry in entries]
            except Exception as exc:
                if attempt == TRANSIENT_RETRIES or not _transient(exc):
                    raise
                await asyncio.sleep(0.005 * (attempt + 1))
        raise AssertionError("unreachable")

    async def _apply_one(self, entry: _Entry) -> bool | Exception:
        handler = self.handlers[entry.event_type]
        for attempt in range(TRANSIENT_RETRIES + 1):
            try:
                async with in_transaction(self.connection_name) as savepoint:
                    inserted = await savepoint.execute_query_dict(
                        "INSERT INTO processed_event (event_id, event_type, processed_at) "
                        "VALUES ($1, $2, now()) ON CONFLICT DO NOTHING RETURNING event_id",
                        [entry.envelope.event_id, entry.envelope.type],
                    )
                    if inserted:
                        await handler(entry.envelope)
                return bool(inserted)
            except Exception as exc:
                if attempt == TRANSIENT_RETRIES or not _transient(exc):
                    return exc
                await asyncio.sleep(0.005 * (attempt + 1))
        raise AssertionError("unreachable")

    async def _settle(self, entries: list[_Entry], outcomes: list[bool | Exception]) -> None:
        """Ack what committed (one round trip), record why the others failed."""
        done = [(e, o) for e, o in zip(entries, outcomes, strict=True) if isinstance(o, bool)]
        failed = [
            (e, o) for e, o in zip(entries, outcomes, strict=True) if isinstance(o, Exception)
        ]
        if done:
            pipe = self.redis.pipeline(transaction=False)
            for entry, _ in done:
                pipe.xack(entry.stream, self.group, entry.entry_id)
            pipe.hdel(self._errors_key, *(_text(entry.entry_id) for entry, _ in done))
            await pipe.execute()
        now = datetime.now(timezone.utc)
        for entry, inserted in done:
            if inserted:
                EVENTS_CONSUMED.labels(entry.event_type).inc()
                lag = (now - entry.envelope.occurred_at).total_seconds()
                EVENT_LAG.labels(entry.event_type).observe(max(lag, 0.0))
            else:
                EVENTS_DUPLICATE.labels(entry.event_type).inc()
        if failed and not await self.database_ready():
            self._pause(failed[0][1])  # no delivery attempt is counted against the outage
            return
        for entry, error in failed:
            EVENTS_FAILED.labels(entry.event_type).inc()
            logger.warning(
                "event handler failed; entry stays pending for retry",
                extra={
                    "stream": entry.stream,
                    "entry_id": _text(entry.entry_id),
                    "error": repr(error),
                },
            )
            with contextlib.suppress(RedisError):
                await self.redis.hset(self._errors_key, _text(entry.entry_id), repr(error)[:2000])

    def _pause(self, exc: BaseException) -> None:
        self.database_down = True
        logger.warning("database unavailable; pausing consumption: %r", exc)

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
