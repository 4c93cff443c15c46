"""Transactional outbox: events are written with the change they report, then relayed.

``Outbox.add`` inserts the event row inside the caller's transaction and issues
``pg_notify``. Postgres delivers a NOTIFY only when that transaction commits, so the relay is
woken right after commit (milliseconds) and never for a rolled-back change. A periodic sweep
catches anything a missed notification left behind, and Redis being down only delays rows:
they stay unpublished until an XADD succeeds.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone
from typing import Any

from redis.asyncio import Redis
from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.transactions import in_transaction

from chassis.contracts import EventTypes
from chassis.events.envelope import Envelope, stream_for
from chassis.events.models import OutboxEvent
from chassis.events.relay import Relay
from chassis.observability import EVENTS_PUBLISHED, OUTBOX_BACKLOG

logger = logging.getLogger("chassis.outbox")

NOTIFY_CHANNEL = "chassis_outbox"


class Outbox:
    """Records events for one producer. Call ``add`` inside the unit of work's transaction."""

    def __init__(
        self,
        *,
        producer: str,
        connection_name: str = "default",
        event_types: EventTypes | None = None,
    ) -> None:
        self.producer = producer
        self.connection_name = connection_name
        # With the contracts at hand, an event without one is refused before it is written.
        self.event_types = event_types

    async def add(self, event_type: str, data: dict[str, Any], *, version: int = 1) -> Envelope:
        if self.event_types is not None and event_type not in self.event_types:
            raise RuntimeError(f"no contract for event type {event_type!r}")
        conn = connections.get(self.connection_name)
        if not isinstance(conn, TransactionalDBClient):
            raise RuntimeError("Outbox.add must run inside a transaction (the unit of work)")
        envelope = Envelope(type=event_type, version=version, producer=self.producer, data=data)
        await OutboxEvent.create(
            event_id=envelope.event_id,
            event_type=envelope.type,
            version=envelope.version,
            occurred_at=envelope.occurred_at,
            producer=envelope.producer,
            data=envelope.model_dump(mode="json")["data"],
        )
        await conn.execute_query("SELECT pg_notify($1, '')", [NOTIFY_CHANNEL])
        return envelope


def _row_to_envelope(row: dict[str, Any]) -> Envelope:
    data = row["data"]
    if isinstance(data, str):  # asyncpg returns jsonb as text unless a codec is set
        data = json.loads(data)
    return Envelope(
        event_id=row["event_id"],
        type=row["event_type"],
        version=row["version"],
        occurred_at=row["occurred_at"],
        producer=row["producer"],
        data=data,
    )


class OutboxRelay(Relay):
    """Publishes committed outbox rows to their streams and marks them sent.

    Safe to run in several processes at once: each batch is claimed with
    ``FOR UPDATE SKIP LOCKED``. A crash between XADD and the commit republishes a row, which
    consumers drop as a duplicate by its ``event_id``.
    """

    def __init__(
        self,
        redis: Redis,
        *,
        database_url: str,
        batch_size: int = 200,
        sweep_seconds: float = 2.0,
        connection_name: str = "default",
    ) -> None:
        super().__init__(
            database_url=database_url,
            channel=NOTIFY_CHANNEL,
            batch_size=batch_size,
            sweep_seconds=sweep_seconds,
            name="outbox relay",
        )
        self.redis = redis
        self.connection_name = connection_name

    async def publish_batch(self) -> int:
        """Publish up to one batch of pending rows; returns how many were published."""
        async with in_transaction(self.connection_name) as conn:
            # Marking rows sent need not wait for its WAL flush: if a crash loses the mark, the
            # rows are published again and consumers drop them as duplicates. The flush it no
            # longer waits for was one more on a path where every commit waits for one.
            await conn.execute_query("SET LOCAL synchronous_commit = off")
            rows = await conn.execute_query_dict(
                "SELECT id, event_id, event_type, version, occurred_at, producer, data "
                "FROM outbox_event WHERE published_at IS NULL "
                "ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
                [self.batch_size],
            )
            if not rows:
                return 0
            pipe = self.redis.pipeline(transaction=False)
            envelopes = [_row_to_envelope(row) for row in rows]
            for envelope in envelopes:
                pipe.xadd(stream_for(envelope.type), envelope.to_fields())  # type: ignore[arg-type]
            await pipe.execute()
            await conn.execute_query(
                "UPDATE outbox_event SET published_at = now() WHERE id = ANY($1::bigint[])",
                [[row["id"] for row in rows]],
            )
        for envelope in envelopes:
            EVENTS_PUBLISHED.labels(envelope.type).inc()
        return len(rows)

    async def backlog(self) -> int:
        conn = connections.get(self.connection_name)
        rows = await conn.execute_query_dict(
            "SELECT count(*) AS n FROM outbox_event WHERE published_at IS NULL"
        )
        count = int(rows[0]["n"])
        OUTBOX_BACKLOG.set(count)
        return count

    async def prune(self, *, retention: timedelta) -> int:
        """Delete rows published longer ago than ``retention``."""
        cutoff = datetime.now(timezone.utc) - retention
        return await OutboxEvent.filter(published_at__lt=cutoff).delete()
