"""Live delivery: the relay that moves committed deliveries onto each user's Redis stream (the
SSE endpoint reads them through ``live.py``).

Why a stream per user (``notifications:{user_id}``): any API process can serve a user's SSE
connection, whichever process handled the event; the stream entry id is the SSE ``id:``, so a
client reconnecting with ``Last-Event-ID`` gets exactly what it missed (XREAD from that id),
up to the last ~``notification_stream_maxlen`` entries. A stream expires after
``notification_stream_ttl_seconds`` without a new entry; the REST list is the full history.

The relay is the outbox pattern again, with its own table (``engagement_delivery``), on the
chassis's ``Relay`` (LISTEN on ``DELIVERY_CHANNEL``, the sweep, batches, back-off): rows are
written in the transaction of the change, Postgres NOTIFYs the relay at commit, the relay XADDs
and deletes them. Delivery is at least once (a crash between XADD and commit repeats a batch;
clients key on the notification id). One relay publishes at a time (an advisory lock), so a
user's entries keep their order across replicas. The push hook runs after the entries are on
the streams and committed.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any

from redis.asyncio import Redis

from chassis.errors import Unprocessable
from chassis.events.relay import Relay
from engagement_service.notifications import queries
from engagement_service.notifications.push import PushDelivery
from engagement_service.notifications.queries import DELIVERY_CHANNEL
from engagement_service.notifications.rules import NOTIFICATION, PURGE
from engagement_service.notifications.schemas import NotificationRead

logger = logging.getLogger("engagement.delivery")

_ENTRY_ID = re.compile(r"^([0-9]{1,20})-([0-9]{1,20})$")
_MAX_ID_PART = 2**64 - 1
RETRY_MS = 3000


def stream_key(user_id: uuid.UUID | str) -> str:
    return f"notifications:{user_id}"


def parse_last_event_id(value: str | None) -> str | None:
    """A valid stream entry id, or None for an absent or empty header; 422 otherwise."""
    if value is None or value == "":
        return None
    match = _ENTRY_ID.match(value)
    if match is None or any(int(part) > _MAX_ID_PART for part in match.groups()):
        raise Unprocessable(
            "Last-Event-ID must be an event id from this stream", code="invalid_last_event_id"
        )
    return value


class DeliveryRelay(Relay):
    def __init__(
        self,
        redis: Redis,
        *,
        database_url: str,
        push: PushDelivery,
        maxlen: int,
        ttl_seconds: int,
        sweep_seconds: float = 2.0,
        batch_size: int = 200,
    ) -> None:
        super().__init__(
            database_url=database_url,
            channel=DELIVERY_CHANNEL,
            batch_size=batch_size,
            sweep_seconds=sweep_seconds,
            name="notification delivery",
        )
        self.redis = redis
        self.push = push
        self.maxlen = maxlen
        self.ttl_seconds = ttl_seconds

    async def publish_batch(self) -> int | None:
        """Publish one batch; returns how many, or None if another relay holds the turn."""
        async with queries.relay_transaction():
            if not await queries.take_relay_turn():
                return None
            rows = await queries.oldest_deliveries(self.batch_size)
            if not rows:
                return 0
            pipe = self.redis.pipeline(transaction=False)
            for row in rows:
                key = stream_key(row["user_id"])
                if row["event"] == PURGE:
                    pipe.delete(key)
                    continue
                payload = _payload(row["payload"])
                pipe.xadd(
                    key,
                    {"event": row["event"], "data": json.dumps(payload, separators=(",", ":"))},
                    maxlen=self.maxlen,
                    approximate=True,
                )
                pipe.expire(key, self.ttl_seconds)
            await pipe.execute()
            await queries.delete_deliveries([row["id"] for row in rows])
        for row in rows:
            if row["event"] == NOTIFICATION:
                await self._push(_payload(row["payload"]))
        return len(rows)

    async def _push(self, payload: dict[str, Any]) -> None:
        try:
            await self.push.deliver(NotificationRead.model_validate(payload))
        except Exception:
            logger.exception("push delivery failed", extra={"notification_id": payload.get("id")})


def _payload(value: Any) -> dict[str, Any]:
    loaded = json.loads(value) if isinstance(value, str) else value
    return dict(loaded)
