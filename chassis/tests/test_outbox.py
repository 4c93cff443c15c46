"""The outbox row exists iff the change committed; the relay publishes committed rows only."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from redis.asyncio import Redis
from tortoise.transactions import in_transaction

from chassis.events import Outbox, OutboxRelay
from chassis.events.models import OutboxEvent
from chassis.service import ServiceDefinition, Workers
from chassis.testing import RedisServer, read_events, wait_until
from tests.demo.app import outbox
from tests.demo.models import Note, Tally


def relay_for(redis: Redis, definition: ServiceDefinition) -> OutboxRelay:
    return OutboxRelay(redis, database_url=definition.settings.database_url, batch_size=10)


async def test_committed_change_has_its_row_and_is_published(
    client: httpx.AsyncClient, redis: Redis, service_definition: ServiceDefinition
) -> None:
    response = await client.post("/api/v1/notes", json={"text": "hello"})
    assert response.status_code == 201
    note_id = response.json()["id"]
    row = await OutboxEvent.get(event_type="note_created")
    assert row.data == {"note_id": note_id, "text": "hello"}
    assert row.published_at is None

    assert await relay_for(redis, service_definition).publish_pending() == 1
    events = await read_events(redis, "note_created")
    assert [e.data for e in events] == [{"note_id": note_id, "text": "hello"}]
    assert events[0].event_id == row.event_id
    assert events[0].producer == "demo"
    await row.refresh_from_db()
    assert row.published_at is not None
    # nothing left: a second pass publishes nothing more
    assert await relay_for(redis, service_definition).publish_pending() == 0
    assert len(await read_events(redis, "note_created")) == 1


async def test_rolled_back_request_writes_and_publishes_nothing(
    client: httpx.AsyncClient, redis: Redis, service_definition: ServiceDefinition
) -> None:
    response = await client.post("/api/v1/notes/fail", json={"text": "doomed"})
    assert response.status_code == 400
    assert await Note.all().count() == 0
    assert await OutboxEvent.all().count() == 0
    assert await relay_for(redis, service_definition).publish_pending() == 0
    assert await read_events(redis, "note_created") == []


async def test_outbox_add_outside_a_transaction_is_refused(app: object) -> None:
    outbox = Outbox(producer="demo")
    try:
        await outbox.add("note_created", {"note_id": "x"})
    except RuntimeError as exc:
        assert "transaction" in str(exc)
    else:
        raise AssertionError("expected RuntimeError")
    assert await OutboxEvent.all().count() == 0


async def test_relay_is_woken_by_commit_not_by_polling(
    client: httpx.AsyncClient, redis: Redis, service_definition: ServiceDefinition
) -> None:
    relay = OutboxRelay(
        redis, database_url=service_definition.settings.database_url, sweep_seconds=3600
    )
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        await asyncio.sleep(0.3)  # let it LISTEN and drain
        await client.post("/api/v1/notes", json={"text": "fast"})
        # The sweep is an hour away: only the NOTIFY delivered at commit can publish this.
        events = await wait_until(lambda: read_events(redis, "note_created"), timeout=2)
        assert [e.data["text"] for e in events] == ["fast"]
    finally:
        stop.set()
        relay.wake()
        await task


async def test_writes_succeed_while_redis_is_down_and_publish_when_it_returns(
    client: httpx.AsyncClient, service_definition: ServiceDefinition
) -> None:
    server = RedisServer()
    server.start()
    private = Redis.from_url(server.url)
    relay = relay_for(private, service_definition)
    try:
        server.kill()
        for i in range(3):
            assert (await client.post("/api/v1/notes", json={"text": f"t{i}"})).status_code == 201
        try:
            await relay.publish_pending()
        except Exception:
            pass
        else:
            raise AssertionError("publishing to a dead Redis should fail")
        assert await OutboxEvent.filter(published_at=None).count() == 3

        server.start()
        assert await relay.publish_pending() == 3
        assert [e.data["text"] for e in await read_events(private, "note_created")] == [
            "t0",
            "t1",
            "t2",
        ]
        assert await OutboxEvent.filter(published_at=None).count() == 0
    finally:
        await private.aclose()
        server.kill()


async def test_two_relays_publish_each_row_once(
    redis: Redis, app: object, service_definition: ServiceDefinition
) -> None:
    outbox = Outbox(producer="demo")
    for i in range(60):
        async with in_transaction():
            await outbox.add("note_created", {"note_id": f"{i}", "text": "x"})
    a, b = relay_for(redis, service_definition), relay_for(redis, service_definition)
    counts = await asyncio.gather(a.publish_pending(), b.publish_pending())
    assert sum(counts) == 60
    events = await read_events(redis, "note_created")
    assert sorted(int(e.data["note_id"]) for e in events) == list(range(60))


async def test_prune_removes_only_old_published_rows(
    redis: Redis, app: object, service_definition: ServiceDefinition
) -> None:

    outbox = Outbox(producer="demo")
    for i in range(3):
        async with in_transaction():
            await outbox.add("note_created", {"note_id": f"{i}", "text": "x"})
    relay = relay_for(redis, service_definition)
    await relay.publish_batch()
    old = datetime.now(timezone.utc) - timedelta(days=10)
    first = await OutboxEvent.all().order_by("id").first()
    assert first is not None
    await OutboxEvent.filter(id=first.id).update(published_at=old)
    async with in_transaction():
        await outbox.add("note_created", {"note_id": "unsent", "text": "x"})
    assert await relay.prune(retention=timedelta(days=1)) == 1
    assert await OutboxEvent.all().count() == 3
    assert await OutboxEvent.filter(published_at=None).count() == 1


async def test_workers_in_process_deliver_end_to_end(
    client: httpx.AsyncClient, redis: Redis, app: object, service_definition: ServiceDefinition
) -> None:

    workers = Workers(service_definition, app.state.resources)  # type: ignore[attr-defined]
    await workers.start()
    try:
        response = await client.post("/api/v1/notes", json={"text": "through"})
        note_id = response.json()["id"]
        tally = await wait_until(lambda: Tally.filter(note_id=note_id).count(), timeout=3)
        assert tally == 1
    finally:
        await workers.stop()


async def test_an_event_without_a_contract_is_refused_before_it_is_written(app: object) -> None:

    with pytest.raises(RuntimeError, match="no contract for event type 'note_deleted'"):
        async with in_transaction():
            await outbox.add("note_deleted", {"note_id": "x"})
    assert await OutboxEvent.all().count() == 0
