"""The delivery relay on the chassis's ``Relay``: woken at commit, one relay at a time, each
user's entries in order, at least once."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import asyncpg
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from redis.exceptions import RedisError
from tortoise.transactions import in_transaction

from chassis.events.relay import Relay
from chassis.testing import free_port, wait_until
from engagement_service.core.service import delivery_relay
from engagement_service.notifications import queries
from engagement_service.notifications.delivery import DeliveryRelay
from engagement_service.notifications.models import Delivery
from engagement_service.notifications.queries import DELIVERY_CHANNEL
from engagement_service.notifications.rules import READ
from engagement_service.settings import EngagementSettings
from tests.conftest import stream_entries


async def queue(user_id: uuid.UUID, *marks: str) -> None:
    """Committed deliveries, one read mark each, as a request's transaction writes them."""
    async with in_transaction():
        for mark in marks:
            await queries.insert_delivery(user_id, READ, {"ids": [mark]})


async def marks_on_stream(redis: Redis, user_id: uuid.UUID) -> list[str]:
    return [data["ids"][0] for _, _, data in await stream_entries(redis, str(user_id))]


def slow_sweep(relay: DeliveryRelay) -> DeliveryRelay:
    """The same relay with a sweep too slow to matter: only a NOTIFY can wake it in time."""
    relay.sweep_seconds = 3600
    return relay


async def test_the_relay_runs_on_the_chassis_loop_and_is_woken_at_commit(
    app: FastAPI, redis: Redis
) -> None:
    relay = slow_sweep(delivery_relay(app.state.resources))
    assert isinstance(relay, Relay) and relay.channel == DELIVERY_CHANNEL
    ann = uuid.uuid4()
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop))
    try:
        await queue(ann, "a", "b")
        await wait_until(lambda: _equals(marks_on_stream(redis, ann), ["a", "b"]))
        await queue(ann, "c")
        await wait_until(lambda: _equals(marks_on_stream(redis, ann), ["a", "b", "c"]))
        assert await Delivery.all().count() == 0
    finally:
        stop.set()
        relay.wake()
        await asyncio.wait_for(running, timeout=10)


async def test_one_relay_publishes_at_a_time_and_keeps_each_users_order(
    app: FastAPI, redis: Redis, settings: EngagementSettings
) -> None:
    relay = delivery_relay(app.state.resources)
    ann, ben = uuid.uuid4(), uuid.uuid4()
    await queue(ann, "a1")
    await queue(ben, "b1")
    await queue(ann, "a2", "a3")
    other = await asyncpg.connect(settings.database_url)
    try:
        # Another replica's relay holds the turn: this one publishes nothing meanwhile.
        async with other.transaction():
            await other.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", DELIVERY_CHANNEL
            )
            assert await relay.publish_batch() is None
            assert await relay.publish_pending(wait_for_turn=0.1) == 0
            assert await Delivery.all().count() == 4
    finally:
        await other.close()
    assert await relay.publish_pending() == 4
    assert await marks_on_stream(redis, ann) == ["a1", "a2", "a3"]
    assert await marks_on_stream(redis, ben) == ["b1"]
    assert await Delivery.all().count() == 0


async def test_a_batch_redis_refused_stays_queued_and_goes_out_later(
    app: FastAPI, redis: Redis
) -> None:
    working = delivery_relay(app.state.resources)
    unreachable = Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=1)
    broken = DeliveryRelay(
        unreachable,
        database_url=working.database_url,
        push=working.push,
        maxlen=working.maxlen,
        ttl_seconds=working.ttl_seconds,
    )
    ann = uuid.uuid4()
    await queue(ann, "a")
    try:
        with pytest.raises((RedisError, OSError)):
            await broken.publish_batch()
    finally:
        with contextlib.suppress(Exception):
            await unreachable.aclose()
    # Nothing was lost: the row is still queued, and the next relay delivers it.
    assert await Delivery.filter(user_id=ann).count() == 1
    assert await working.publish_pending() == 1
    assert await marks_on_stream(redis, ann) == ["a"]
    (entry,) = await stream_entries(redis, str(ann))
    assert entry[1:] == (READ, {"ids": ["a"]})


async def _equals(value: Any, expected: Any) -> bool:
    return bool(await value == expected)
