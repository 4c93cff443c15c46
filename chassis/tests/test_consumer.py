"""Consumers apply effects once, reclaim what dead consumers left, dead-letter poison."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.asyncio import Redis
from tortoise import connections

from chassis.events import Envelope, EventConsumer, dead_letter_stream, stream_for
from chassis.events.models import ProcessedEvent
from tests.demo.models import Tally

STREAM = stream_for("note_created")


def note_event(text: str = "hi") -> Envelope:
    return Envelope(
        type="note_created", producer="test", data={"note_id": str(uuid.uuid4()), "text": text}
    )


def consumer(redis: Redis, name: str, **kw: object) -> EventConsumer:
    async def on_note(event: Envelope) -> None:
        if event.data["text"] == "poison":
            raise ValueError("handler rejects this data")
        await Tally.create(note_id=event.data["note_id"], consumer=name)

    options: dict = {"reclaim_idle_ms": 50, "max_deliveries": 3, "block_ms": 10}
    options.update(kw)
    return EventConsumer(
        redis, group="demo", consumer_name=name, handlers={"note_created": on_note}, **options
    )


async def pending_count(redis: Redis) -> int:
    info = await redis.xpending(STREAM, "demo")
    return int(info["pending"])


async def test_events_produced_before_the_group_existed_are_processed(
    redis: Redis, app: object
) -> None:
    early = note_event("early")
    await redis.xadd(STREAM, early.to_fields())
    c = consumer(redis, "c1")
    await c.ensure_groups()
    assert await c.poll_once() == 1
    assert await Tally.filter(note_id=early.data["note_id"]).count() == 1
    assert await pending_count(redis) == 0


async def test_duplicate_delivery_has_one_effect(redis: Redis, app: object) -> None:
    event = note_event()
    c = consumer(redis, "c1")
    await c.ensure_groups()
    await redis.xadd(STREAM, event.to_fields())
    await redis.xadd(STREAM, event.to_fields())  # e.g. a relay crash republished it
    assert await c.poll_once() == 2
    assert await Tally.filter(note_id=event.data["note_id"]).count() == 1
    assert await ProcessedEvent.filter(event_id=event.event_id).count() == 1
    assert await pending_count(redis) == 0


async def test_entry_of_a_consumer_killed_before_ack_is_reclaimed_once(
    redis: Redis, app: object
) -> None:
    event = note_event()
    survivor = consumer(redis, "survivor")
    await survivor.ensure_groups()
    await redis.xadd(STREAM, event.to_fields())
    # The doomed consumer reads the entry and dies before handling or acking it.
    read = await redis.xreadgroup("demo", "doomed", {STREAM: ">"}, count=10)
    assert len(read[0][1]) == 1
    assert await survivor.poll_once() == 0  # nothing new for the survivor
    assert await pending_count(redis) == 1
    await asyncio.sleep(0.08)  # past the idle timeout
    assert await survivor.reclaim_once() == 1
    assert await Tally.filter(note_id=event.data["note_id"]).count() == 1
    assert await pending_count(redis) == 0
    assert await survivor.reclaim_once() == 0


async def test_consumer_killed_after_commit_before_ack_applies_nothing_twice(
    redis: Redis, app: object
) -> None:
    event = note_event()
    doomed, survivor = consumer(redis, "doomed"), consumer(redis, "survivor")
    await doomed.ensure_groups()
    await redis.xadd(STREAM, event.to_fields())

    class Killed(Exception):
        pass

    async def die(*args: object) -> None:
        raise Killed  # the process dies after the batch committed, before any XACK

    doomed._settle = die  # type: ignore[method-assign]
    with pytest.raises(Killed):
        await doomed.poll_once()
    assert await Tally.filter(note_id=event.data["note_id"]).count() == 1
    assert await pending_count(redis) == 1
    await asyncio.sleep(0.08)
    assert await survivor.reclaim_once() == 1
    assert await Tally.filter(note_id=event.data["note_id"]).count() == 1
    assert await pending_count(redis) == 0


async def test_poison_entry_is_dead_lettered_and_later_events_flow(
    redis: Redis, app: object
) -> None:
    c = consumer(redis, "c1")
    await c.ensure_groups()
    poison, good = note_event("poison"), note_event("good")
    await redis.xadd(STREAM, poison.to_fields())
    await redis.xadd(STREAM, good.to_fields())
    assert await c.poll_once() == 2
    assert await Tally.filter(note_id=good.data["note_id"]).count() == 1  # not blocked
    for _ in range(5):
        await asyncio.sleep(0.06)
        await c.reclaim_once()
    dead = await redis.xrange(dead_letter_stream("demo"))
    assert len(dead) == 1
    fields = {k.decode(): v.decode() for k, v in dead[0][1].items()}
    assert fields["event_id"] == str(poison.event_id)
    assert fields["dlq_stream"] == STREAM
    assert int(fields["dlq_deliveries"]) >= 3
    assert "handler rejects this data" in fields["dlq_error"]
    assert await pending_count(redis) == 0
    assert await Tally.filter(note_id=poison.data["note_id"]).count() == 0
    assert await ProcessedEvent.filter(event_id=poison.event_id).count() == 0


async def test_malformed_envelope_goes_straight_to_dead_letter(redis: Redis, app: object) -> None:
    c = consumer(redis, "c1")
    await c.ensure_groups()
    await redis.xadd(STREAM, {"type": "note_created", "data": "{"})
    good = note_event()
    await redis.xadd(STREAM, good.to_fields())
    assert await c.poll_once() == 2
    dead = await redis.xrange(dead_letter_stream("demo"))
    assert len(dead) == 1 and b"bad envelope" in dead[0][1][b"dlq_error"]
    assert await pending_count(redis) == 0
    assert await Tally.filter(note_id=good.data["note_id"]).count() == 1


async def test_two_replicas_share_the_load_and_apply_each_effect_once(
    redis: Redis, app: object
) -> None:
    a, b = consumer(redis, "a", batch_size=5), consumer(redis, "b", batch_size=5)
    await a.ensure_groups()
    events = [note_event(f"e{i}") for i in range(100)]
    for event in events:
        await redis.xadd(STREAM, event.to_fields())

    async def drain(c: EventConsumer) -> None:
        while await c.poll_once(block_ms=50):
            await asyncio.sleep(0)

    await asyncio.gather(drain(a), drain(b))
    assert await Tally.all().count() == 100
    for event in events[:10]:
        assert await Tally.filter(note_id=event.data["note_id"]).count() == 1
    assert await Tally.filter(consumer="a").count() > 0
    assert await Tally.filter(consumer="b").count() > 0
    assert await pending_count(redis) == 0


async def test_run_loop_handles_events_in_real_time(redis: Redis, app: object) -> None:
    c = consumer(redis, "live", block_ms=200)
    stop = asyncio.Event()
    task = asyncio.create_task(c.run(stop))
    try:
        await asyncio.sleep(0.1)
        event = note_event()
        await redis.xadd(STREAM, event.to_fields())
        for _ in range(100):
            if await Tally.filter(note_id=event.data["note_id"]).count():
                break
            await asyncio.sleep(0.01)
        assert await Tally.filter(note_id=event.data["note_id"]).count() == 1
    finally:
        stop.set()
        await task


async def test_poll_with_zero_block_returns_instead_of_waiting_forever(
    redis: Redis, app: object
) -> None:
    c = consumer(redis, "c1")
    await c.ensure_groups()
    # BLOCK 0 would wait forever in Redis; the bound only turns a hang into a failure.
    assert await asyncio.wait_for(c.poll_once(block_ms=0), timeout=5) == 0


def recording_consumer(redis: Redis, transactions: list[str]) -> EventConsumer:
    """A consumer whose handler also records the (top-level) transaction it runs in."""

    async def on_note(event: Envelope) -> None:
        if event.data["text"] == "poison":
            raise ValueError("handler rejects this data")
        conn = connections.get("default")
        [row] = await conn.execute_query_dict("SELECT pg_current_xact_id()::text AS x")
        transactions.append(row["x"])
        await Tally.create(note_id=event.data["note_id"], consumer="c")

    return EventConsumer(
        redis, group="demo", consumer_name="c", handlers={"note_created": on_note},
        block_ms=10, reclaim_idle_ms=50, max_deliveries=3,
    )  # fmt: skip


async def test_a_batch_commits_once_and_a_duplicate_inside_it_has_no_effect(
    redis: Redis, app: object
) -> None:
    transactions: list[str] = []
    c = recording_consumer(redis, transactions)
    await c.ensure_groups()
    events = [note_event(f"n{i}") for i in range(10)]
    for event in events:
        await redis.xadd(STREAM, event.to_fields())
    await redis.xadd(STREAM, events[0].to_fields())  # a republished duplicate, same read
    assert await c.poll_once() == 11
    assert await Tally.all().count() == 10
    assert await ProcessedEvent.all().count() == 10
    # Every effect of the read was written by one transaction: one commit, one WAL flush.
    assert len(transactions) == 10 and len(set(transactions)) == 1
    assert await pending_count(redis) == 0


async def test_a_poison_entry_inside_a_batch_is_rolled_back_alone(
    redis: Redis, app: object
) -> None:
    transactions: list[str] = []
    c = recording_consumer(redis, transactions)
    await c.ensure_groups()
    before, after = [note_event(f"b{i}") for i in range(3)], [note_event(f"a{i}") for i in range(3)]
    poison = note_event("poison")
    for event in [*before, poison, *after]:
        await redis.xadd(STREAM, event.to_fields())
    assert await c.poll_once() == 7
    good = [e.data["note_id"] for e in before + after]
    assert await Tally.filter(note_id__in=good).count() == 6
    assert len(set(transactions)) == 1  # the batch committed around the rolled-back entry
    assert await ProcessedEvent.filter(event_id=poison.event_id).count() == 0
    pending = await redis.xpending_range(STREAM, "demo", min="-", max="+", count=10)
    assert len(pending) == 1  # only the poison entry waits for a retry
    # Retried and finally dead-lettered on its own account, never the others'.
    for _ in range(5):
        await asyncio.sleep(0.06)
        await c.reclaim_once()
    dead = await redis.xrange(dead_letter_stream("demo"))
    assert [entry[1][b"event_id"].decode() for entry in dead] == [str(poison.event_id)]
    assert await Tally.all().count() == 6
    assert await pending_count(redis) == 0


async def test_a_batch_whose_commit_fails_is_handled_entry_by_entry(
    redis: Redis, app: object
) -> None:
    """A fault of the batch transaction itself (here a deferred constraint that only the commit
    checks, raised by one entry) must neither block the other entries nor count against them."""
    conn = connections.get("default")

    async def on_note(event: Envelope) -> None:
        await Tally.create(note_id=event.data["note_id"], consumer="c")
        if event.data["text"] == "breaks-commit":
            await conn.execute_query("SET CONSTRAINTS ALL DEFERRED")
            await conn.execute_query(
                "INSERT INTO chassis_deferred_check (id, parent) VALUES (1, 999)"
            )

    await conn.execute_script(
        "DROP TABLE IF EXISTS chassis_deferred_check; "
        "CREATE TABLE chassis_deferred_check (id int PRIMARY KEY, parent int "
        "REFERENCES chassis_deferred_check (id) DEFERRABLE INITIALLY DEFERRED)"
    )
    try:
        c = EventConsumer(
            redis, group="demo", consumer_name="c", handlers={"note_created": on_note},
            block_ms=10, reclaim_idle_ms=50, max_deliveries=3,
        )  # fmt: skip
        await c.ensure_groups()
        good = [note_event(f"g{i}") for i in range(4)]
        bad = note_event("breaks-commit")
        for event in [good[0], good[1], bad, good[2], good[3]]:
            await redis.xadd(STREAM, event.to_fields())
        assert await c.poll_once() == 5
        assert await Tally.filter(note_id__in=[e.data["note_id"] for e in good]).count() == 4
        assert await Tally.filter(note_id=bad.data["note_id"]).count() == 0
        assert await ProcessedEvent.filter(event_id=bad.event_id).count() == 0
        assert await pending_count(redis) == 1
        for _ in range(5):
            await asyncio.sleep(0.06)
            await c.reclaim_once()
        dead = await redis.xrange(dead_letter_stream("demo"))
        assert [entry[1][b"event_id"].decode() for entry in dead] == [str(bad.event_id)]
    finally:
        await conn.execute_script("DROP TABLE IF EXISTS chassis_deferred_check")


async def test_a_consumer_killed_mid_batch_leaves_every_entry_to_the_reclaim(
    redis: Redis, app: object
) -> None:
    """The process dies while the batch's transaction is open: nothing of the batch committed,
    nothing was acked, and the survivor applies every entry exactly once."""
    calls = 0

    class Killed(BaseException):  # not an Exception: nothing in the consumer may swallow it
        pass

    async def dies_on_third(event: Envelope) -> None:
        nonlocal calls
        calls += 1
        await Tally.create(note_id=event.data["note_id"], consumer="doomed")
        if calls == 3:
            raise Killed

    doomed = EventConsumer(
        redis, group="demo", consumer_name="doomed", handlers={"note_created": dies_on_third},
        block_ms=10,
    )  # fmt: skip
    await doomed.ensure_groups()
    events = [note_event(f"k{i}") for i in range(5)]
    for event in events:
        await redis.xadd(STREAM, event.to_fields())
    with pytest.raises(Killed):
        await doomed.poll_once()
    assert await Tally.all().count() == 0
    assert await ProcessedEvent.all().count() == 0
    assert await pending_count(redis) == 5
    await asyncio.sleep(0.08)
    survivor = consumer(redis, "survivor")
    assert await survivor.reclaim_once() == 5
    for event in events:
        assert await Tally.filter(note_id=event.data["note_id"]).count() == 1
    assert await pending_count(redis) == 0


async def test_before_batch_sees_the_batch_once_and_its_failure_is_not_fatal(
    redis: Redis, app: object
) -> None:
    seen: list[list[str]] = []

    async def before(envelopes: list[Envelope]) -> None:
        seen.append([e.data["text"] for e in envelopes])
        if len(seen) == 2:
            raise RuntimeError("the optimisation broke")

    c = consumer(redis, "c", before_batch=before)
    await c.ensure_groups()
    for text in ("x", "y"):
        await redis.xadd(STREAM, note_event(text).to_fields())
    assert await c.poll_once() == 2
    await redis.xadd(STREAM, note_event("z").to_fields())
    assert await c.poll_once() == 1
    assert seen == [["x", "y"], ["z"]]
    assert await Tally.all().count() == 3  # the failed hook did not stop the handlers
    assert await pending_count(redis) == 0


async def test_a_deadlocked_handler_is_retried_at_once_not_left_pending(
    redis: Redis, app: object
) -> None:
    """Postgres aborts one side of a deadlock (SQLSTATE 40P01): everything it did is rolled
    back, so the consumer runs it again straight away instead of waiting for the reclaim."""
    calls = 0

    class Deadlock(Exception):
        sqlstate = "40P01"

    async def on_note(event: Envelope) -> None:
        nonlocal calls
        calls += 1
        await Tally.create(note_id=event.data["note_id"], consumer="c")
        if calls == 1:
            try:
                raise Deadlock("deadlock detected")
            except Deadlock as exc:
                raise RuntimeError("wrapped by the ORM") from exc

    c = EventConsumer(
        redis, group="demo", consumer_name="c", handlers={"note_created": on_note}, block_ms=10
    )
    await c.ensure_groups()
    event = note_event()
    await redis.xadd(STREAM, event.to_fields())
    assert await c.poll_once() == 1
    assert calls == 2
    assert await Tally.filter(note_id=event.data["note_id"]).count() == 1  # the first rolled back
    assert await pending_count(redis) == 0


async def test_a_failing_handler_is_not_retried_in_place(redis: Redis, app: object) -> None:
    """Only deadlocks and serialization failures are retried at once; any other error leaves
    the entry pending, for the reclaim and, in the end, the dead letters."""
    calls = 0

    async def on_note(event: Envelope) -> None:
        nonlocal calls
        calls += 1
        raise ValueError("handler rejects this data")

    c = EventConsumer(
        redis, group="demo", consumer_name="c", handlers={"note_created": on_note}, block_ms=10
    )
    await c.ensure_groups()
    await redis.xadd(STREAM, note_event().to_fields())
    assert await c.poll_once() == 1
    assert calls == 1
    assert await pending_count(redis) == 1
    assert await ProcessedEvent.all().count() == 0
