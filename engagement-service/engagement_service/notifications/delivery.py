"""Live delivery: the relay that moves committed deliveries onto each user's Redis stream (the
SSE endpoint reads them through ``live.py``).

Why a stream per user (``notifications:{user_id}``): any API process can serve a user's SSE
connection, whichever process handled the event; the stream entry id is the SSE ``id:``, so a
client reconnecting with ``Last-Event-ID`` gets exactly what it missed (XREAD from that id),
up to the last ~``notification_stream_maxlen`` entries. A stream expires after
``notification_stream_ttl_seconds`` without a new entry; the REST list is the full history.

The relay is the outbox pattern again, with its own table (``engagement_delivery``): rows are
written in the transaction of the change, Postgres NOTIFYs the relay at commit, the relay XADDs
and deletes them. Delivery is at least once (a crash between XADD and commit repeats a
batch; clients key on the notification id). One relay publishes at a time (an advisory lock),
so a user's entries keep their order across replicas.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

import asyncpg
from redis.asyncio import Redis
from redis.exceptions import RedisError
from tortoise.transactions import in_transaction

from chassis.errors import Unprocessable
from engagement_service.notifications.push import PushDelivery
from engagement_service.notifications.schemas import NotificationRead
from engagement_service.notifications.service import DELIVERY_CHANNEL, NOTIFICATION, PURGE

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


class DeliveryRelay:
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
        self.redis = redis
        self.database_url = database_url
        self.push = push
        self.maxlen = maxlen
        self.ttl_seconds = ttl_seconds
        self.sweep_seconds = sweep_seconds
        self.batch_size = batch_size
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        self._wakeup.set()

    async def publish_batch(self) -> int | None:
        """Publish one batch; returns how many, or None if another relay holds the turn."""
        async with in_transaction() as conn:
            turn = await conn.execute_query_dict(
                "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok",
                [DELIVERY_CHANNEL],
            )
            if not turn[0]["ok"]:
                return None
            rows = await conn.execute_query_dict(
                "SELECT id, user_id, event, payload FROM engagement_delivery ORDER BY id LIMIT $1",
                [self.batch_size],
            )
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
            await conn.execute_query(
                "DELETE FROM engagement_delivery WHERE id = ANY($1::bigint[])",
                [[row["id"] for row in rows]],
            )
        for row in rows:
            if row["event"] == NOTIFICATION:
                await self._push(_payload(row["payload"]))
        return len(rows)

    async def _push(self, payload: dict[str, Any]) -> None:
        try:
            await self.push.deliver(NotificationRead.model_validate(payload))
        except Exception:
            logger.exception("push delivery failed", extra={"notification_id": payload.get("id")})

    async def publish_pending(self) -> int:
        """Publish until nothing is pending; waits its turn if another relay is publishing."""
        total = 0
        waited = 0.0
        while True:
            published = await self.publish_batch()
            if published is None:
                if waited > 5.0:
                    return total  # the other relay is slow; the next sweep tries again
                await asyncio.sleep(0.02)
                waited += 0.02
                continue
            total += published
            if published < self.batch_size:
                return total

    async def run(self) -> None:
        """Publish whenever a commit NOTIFYs (or the sweep fires), until cancelled."""
        listener = await _listen(self.database_url, self.wake)
        backoff = 0.1
        try:
            self._wakeup.set()
            while True:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=self.sweep_seconds)
                self._wakeup.clear()
                if listener is None or listener.is_closed():
                    listener = await _listen(self.database_url, self.wake)
                try:
                    await self.publish_pending()
                    backoff = 0.1
                except (RedisError, OSError, asyncpg.PostgresError) as exc:
                    logger.warning("notification delivery could not publish, will retry: %s", exc)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
                    self._wakeup.set()
        finally:
            if listener is not None:
                with contextlib.suppress(Exception):
                    await listener.close()


async def _listen(database_url: str, wake: Callable[[], None]) -> asyncpg.Connection | None:
    try:
        conn = await asyncpg.connect(database_url)
        await conn.add_listener(DELIVERY_CHANNEL, lambda *_: wake())
        return conn
    except (OSError, asyncpg.PostgresError) as exc:
        logger.warning("delivery listen connection failed (the sweep still runs): %s", exc)
        return None


def _payload(value: Any) -> dict[str, Any]:
    loaded = json.loads(value) if isinstance(value, str) else value
    return dict(loaded)
