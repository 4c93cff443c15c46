"""Counters from the interaction service's events: exact under concurrency, replay and
out-of-order delivery; never negative; score and popularity; the reconcile job."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from tortoise import connections
from tortoise.transactions import in_transaction

from chassis.events import Envelope, EventConsumer, stream_for
from chassis.events.models import ProcessedEvent
from chassis.service import ServiceDefinition, Workers
from chassis.testing import ContractValidator, wait_until
from post_service.authors.models import Author
from post_service.core.context import PostContext
from post_service.counters import consumers as handlers
from post_service.counters.models import CountedItem, ItemState
from post_service.counters.service import reconcile_counters
from post_service.posts import ranking
from post_service.posts.models import Post
from post_service.posts.ranking import hot_score
from tests.conftest import API, User, create_post, create_user, drain, make_consumer, publish

CATEGORIES = ["ART"]


def reaction(
    post: dict[str, Any], reaction_id: uuid.UUID, kind: str = "LIKE", **extra: Any
) -> dict[str, Any]:
    return {
        "reaction_id": str(reaction_id),
        "post_id": post["id"],
        "post_author_id": post["created_by"],
        "categories": post["categories"],
        "user_id": str(uuid.uuid4()),
        "type": kind,
        **extra,
    }


def comment(post: dict[str, Any], comment_id: uuid.UUID, **extra: Any) -> dict[str, Any]:
    return {
        "comment_id": str(comment_id),
        "post_id": post["id"],
        "post_author_id": post["created_by"],
        "categories": post["categories"],
        "author_id": str(uuid.uuid4()),
        "parent_id": None,
        **extra,
    }


def view(post: dict[str, Any], view_id: uuid.UUID) -> dict[str, Any]:
    return {
        "view_id": str(view_id),
        "post_id": post["id"],
        "post_author_id": post["created_by"],
        "categories": post["categories"],
        "user_id": str(uuid.uuid4()),
        "viewed_at": datetime.now(timezone.utc).isoformat(),
    }


NOW = datetime.now(timezone.utc).isoformat()


async def counters(post_id: str) -> tuple[int, int, int, int]:
    post = await Post.get(id=post_id)
    return (post.total_views, post.total_comments, post.total_reactions, post.positive_reactions)


@pytest.fixture
async def post(client: httpx.AsyncClient, auth: httpx.AsyncClient) -> dict[str, Any]:
    return await create_post(client, await create_user(auth), categories=CATEGORIES)


async def test_200_concurrent_reactions_count_exactly_and_replays_change_nothing(
    app: FastAPI, redis: Redis, contracts: ContractValidator, post: dict[str, Any]
) -> None:
    published = [
        await publish(
            redis,
            contracts,
            "post_reaction_created",
            reaction(post, uuid.uuid4(), created_at=NOW),
            producer="interaction",
        )
        for _ in range(200)
    ]
    # Four consumers of the group read the stream at once, each handling its entries in its
    # own transactions, all incrementing the same post.
    consumers = [make_consumer(app, redis, name=f"c{i}") for i in range(4)]
    await consumers[0].ensure_groups()
    for consumer in consumers:
        consumer.batch_size = 10
    handled = await asyncio.gather(*(drain(consumer) for consumer in consumers))
    assert sum(handled) >= 200  # (plus auth's user_registered for the post's author)
    assert sum(1 for n in handled if n > 0) > 1  # the work really was shared
    assert await ProcessedEvent.filter(event_type="post_reaction_created").count() == 200
    assert await counters(post["id"]) == (0, 0, 200, 200)
    assert await CountedItem.filter(post_id=post["id"], state=ItemState.LIVE).count() == 200

    # Replay every entry as it was (same event ids): the chassis drops them as duplicates.
    for envelope in published:
        await redis.xadd(stream_for(envelope.type), envelope.to_fields())  # type: ignore[arg-type]
    # A producer re-emitting the same reactions under new event ids: counted once by reaction id.
    for envelope in published[:50]:
        await publish(redis, contracts, envelope.type, envelope.data, producer="interaction")
    assert await drain(consumers[1]) >= 250
    assert await ProcessedEvent.filter(event_type="post_reaction_created").count() == 250
    assert await counters(post["id"]) == (0, 0, 200, 200)


async def test_concurrent_creates_and_deletes_in_separate_transactions(
    contracts: ContractValidator, post: dict[str, Any], ctx: PostContext
) -> None:
    """Direct handler calls, each in its own transaction, racing on the same items."""
    ids = [uuid.uuid4() for _ in range(40)]

    async def deliver(event_type: str, data: dict[str, Any]) -> None:
        envelope = Envelope(type=event_type, producer="interaction", data=data)
        contracts.validate(envelope)
        handler = {
            "post_reaction_created": handlers.on_reaction_created,
            "post_reaction_deleted": handlers.on_reaction_deleted,
        }[event_type]
        async with in_transaction():
            await handler(ctx, envelope)

    created = [
        deliver("post_reaction_created", reaction(post, i, "LOVE", created_at=NOW)) for i in ids
    ]
    deleted = [
        deliver("post_reaction_deleted", reaction(post, i, "LOVE", reason="user")) for i in ids[:15]
    ]
    await asyncio.gather(*created, *deleted)
    assert await counters(post["id"]) == (0, 0, 25, 25)
    assert await CountedItem.filter(post_id=post["id"], state=ItemState.DELETED).count() == 15


async def test_a_delete_before_its_create_nets_to_zero(
    consumer: EventConsumer, redis: Redis, contracts: ContractValidator, post: dict[str, Any]
) -> None:
    comment_id, reaction_id = uuid.uuid4(), uuid.uuid4()
    await publish(
        redis,
        contracts,
        "post_comment_deleted",
        comment(post, comment_id, reason="author"),
        producer="interaction",
    )
    await publish(
        redis,
        contracts,
        "post_reaction_deleted",
        reaction(post, reaction_id, reason="user"),
        producer="interaction",
    )
    await drain(consumer)
    assert await counters(post["id"]) == (0, 0, 0, 0)  # tombstones, nothing to take off
    await publish(
        redis,
        contracts,
        "post_comment_created",
        comment(post, comment_id, content="late", created_at=NOW),
        producer="interaction",
    )
    await publish(
        redis,
        contracts,
        "post_reaction_created",
        reaction(post, reaction_id, created_at=NOW),
        producer="interaction",
    )
    await drain(consumer)
    assert await counters(post["id"]) == (0, 0, 0, 0)
    states = await CountedItem.filter(post_id=post["id"]).values_list("state", flat=True)
    assert sorted(states) == ["deleted", "deleted"]


async def test_create_then_delete_and_repeated_deletes(
    consumer: EventConsumer, redis: Redis, contracts: ContractValidator, post: dict[str, Any]
) -> None:
    comment_id = uuid.uuid4()
    await publish(
        redis,
        contracts,
        "post_comment_created",
        comment(post, comment_id, content="hi", created_at=NOW),
        producer="interaction",
    )
    await drain(consumer)
    assert await counters(post["id"]) == (0, 1, 0, 0)
    for _ in range(3):  # the same deletion announced three times (three event ids)
        await publish(
            redis,
            contracts,
            "post_comment_deleted",
            comment(post, comment_id, reason="post_author"),
            producer="interaction",
        )
    await drain(consumer)
    assert await counters(post["id"]) == (0, 0, 0, 0)


async def test_reaction_type_changes_move_only_the_positive_count(
    consumer: EventConsumer, redis: Redis, contracts: ContractValidator, post: dict[str, Any]
) -> None:
    reaction_id = uuid.uuid4()
    start = datetime.now(timezone.utc)

    async def send(event_type: str, data: dict[str, Any], seconds: int) -> None:
        await publish(
            redis,
            contracts,
            event_type,
            data,
            producer="interaction",
            occurred_at=start + timedelta(seconds=seconds),
        )
        await drain(consumer)

    await send("post_reaction_created", reaction(post, reaction_id, "LIKE", created_at=NOW), 0)
    assert await counters(post["id"]) == (0, 0, 1, 1)
    await send(
        "post_reaction_updated", reaction(post, reaction_id, "ANGRY", previous_type="LIKE"), 2
    )
    assert await counters(post["id"]) == (0, 0, 1, 0)
    # An older change delivered late loses to the newer one.
    await send(
        "post_reaction_updated", reaction(post, reaction_id, "JOY", previous_type="ANGRY"), 1
    )
    assert await counters(post["id"]) == (0, 0, 1, 0)
    await send(
        "post_reaction_updated", reaction(post, reaction_id, "SAD", previous_type="ANGRY"), 3
    )
    assert await counters(post["id"]) == (0, 0, 1, 0)
    await send(
        "post_reaction_updated", reaction(post, reaction_id, "FUNNY", previous_type="SAD"), 4
    )
    assert await counters(post["id"]) == (0, 0, 1, 1)
    await send("post_reaction_deleted", reaction(post, reaction_id, "FUNNY", reason="user"), 5)
    assert await counters(post["id"]) == (0, 0, 0, 0)


async def test_an_update_before_its_create_counts_once_with_the_newer_type(
    consumer: EventConsumer, redis: Redis, contracts: ContractValidator, post: dict[str, Any]
) -> None:
    reaction_id = uuid.uuid4()
    start = datetime.now(timezone.utc)
    await publish(
        redis,
        contracts,
        "post_reaction_updated",
        reaction(post, reaction_id, "SAD", previous_type="LOVE"),
        producer="interaction",
        occurred_at=start + timedelta(seconds=1),
    )
    await publish(
        redis,
        contracts,
        "post_reaction_created",
        reaction(post, reaction_id, "LOVE", created_at=NOW),
        producer="interaction",
        occurred_at=start,
    )
    await drain(consumer)
    assert await counters(post["id"]) == (0, 0, 1, 0)


async def test_views_score_and_popularity(
    client: httpx.AsyncClient,
    auth: httpx.AsyncClient,
    consumer: EventConsumer,
    redis: Redis,
    contracts: ContractValidator,
) -> None:
    ann = await create_user(auth)
    author_headers = ann.headers
    post = await create_post(client, ann)
    for _ in range(8):
        await publish(
            redis, contracts, "post_viewed", view(post, uuid.uuid4()), producer="interaction"
        )
    for kind in ("LIKE", "ANGRY", "JOY"):
        await publish(
            redis,
            contracts,
            "post_reaction_created",
            reaction(post, uuid.uuid4(), kind, created_at=NOW),
            producer="interaction",
        )
    await publish(
        redis,
        contracts,
        "post_comment_created",
        comment(post, uuid.uuid4(), content="nice", created_at=NOW),
        producer="interaction",
    )
    await drain(consumer)
    await Author.filter(id=post["created_by"]).update(total_connections=4)

    response = await client.get(f"{API}/posts/{post['id']}", headers=author_headers)
    assert response.status_code == 200
    read = response.json()
    assert (read["total_views"], read["total_comments"], read["total_reactions"]) == (8, 1, 3)
    assert read["score"] == pytest.approx((2 + 1) / 8)  # ANGRY is not positive
    assert read["popularity"] == pytest.approx(8 / 4)
    row = await Post.get(id=post["id"])
    expected_hot = hot_score(
        positive_reactions=2, comments=1, listed_at=row.listed_at, now=datetime.now(timezone.utc)
    )
    assert row.hot == pytest.approx(expected_hot, rel=1e-3)


def test_score_and_popularity_edges() -> None:
    assert ranking.score(positive_reactions=5, comments=5, views=0) == 0.0
    assert ranking.score(positive_reactions=50, comments=50, views=10) == 1.0  # capped
    assert ranking.popularity(views=30, author_connections=0) == 30.0  # max(connections, 1)
    assert ranking.popularity(views=10_000, author_connections=2) == 100.0  # capped


async def test_events_for_unknown_posts_are_recorded_and_change_no_post(
    consumer: EventConsumer, redis: Redis, contracts: ContractValidator, post: dict[str, Any]
) -> None:
    ghost = {**post, "id": str(uuid.uuid4())}
    reaction_id = uuid.uuid4()
    await publish(
        redis,
        contracts,
        "post_reaction_created",
        reaction(ghost, reaction_id, created_at=NOW),
        producer="interaction",
    )
    await drain(consumer)
    assert await CountedItem.filter(item_id=reaction_id, state=ItemState.LIVE).exists()
    assert await counters(post["id"]) == (0, 0, 0, 0)
    assert not await Post.exists(id=ghost["id"])


async def test_counters_never_go_negative(post: dict[str, Any], ctx: PostContext) -> None:
    """Even against rows changed behind the handlers' back, the decrement clamps at zero."""
    reaction_id = uuid.uuid4()
    envelope = Envelope(
        type="post_reaction_created",
        producer="interaction",
        data=reaction(post, reaction_id, created_at=NOW),
    )
    async with in_transaction():
        await handlers.on_reaction_created(ctx, envelope)
    await Post.filter(id=post["id"]).update(total_reactions=0, positive_reactions=0)
    deleted = Envelope(
        type="post_reaction_deleted",
        producer="interaction",
        data=reaction(post, reaction_id, reason="user"),
    )
    async with in_transaction():
        await handlers.on_reaction_deleted(ctx, deleted)
    assert await counters(post["id"]) == (0, 0, 0, 0)


async def test_reconcile_reports_drift(
    consumer: EventConsumer,
    redis: Redis,
    contracts: ContractValidator,
    post: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    for _ in range(3):
        await publish(
            redis,
            contracts,
            "post_comment_created",
            comment(post, uuid.uuid4(), content="c", created_at=NOW),
            producer="interaction",
        )
    await publish(redis, contracts, "post_viewed", view(post, uuid.uuid4()), producer="interaction")
    await drain(consumer)
    assert await reconcile_counters() == []

    # Drift: a counter changed without its items (as a bug or a manual edit would).
    await connections.get("default").execute_query(
        "UPDATE post SET total_comments = 7 WHERE id = $1", [post["id"]]
    )
    with caplog.at_level(logging.WARNING, logger="post.counters"):
        drifts = await reconcile_counters()
    assert [(str(d.post_id), d.counter, d.stored, d.counted) for d in drifts] == [
        (post["id"], "total_comments", 7, 3)
    ]
    [record] = [r for r in caplog.records if r.getMessage() == "counter drift"]
    assert record.post_id == post["id"]  # type: ignore[attr-defined]
    assert (record.counter, record.stored, record.counted) == ("total_comments", 7, 3)  # type: ignore[attr-defined]


async def test_an_event_on_the_stream_moves_the_counters_with_workers_running(
    app: FastAPI,
    service_definition: ServiceDefinition,
    redis: Redis,
    contracts: ContractValidator,
    post: dict[str, Any],
) -> None:
    workers = Workers(service_definition, app.state.resources)
    await workers.start()
    try:
        await publish(
            redis,
            contracts,
            "post_comment_created",
            comment(post, uuid.uuid4(), content="live", created_at=NOW),
            producer="interaction",
        )

        async def counted() -> bool:
            return (await counters(post["id"]))[1] == 1

        await wait_until(counted)
    finally:
        await workers.stop()


async def test_deleting_a_post_drops_its_counted_items(
    client: httpx.AsyncClient,
    auth: httpx.AsyncClient,
    consumer: EventConsumer,
    redis: Redis,
    contracts: ContractValidator,
) -> None:
    ann: User = await create_user(auth)
    post = await create_post(client, ann)
    await publish(redis, contracts, "post_viewed", view(post, uuid.uuid4()), producer="interaction")
    await drain(consumer)
    assert await CountedItem.filter(post_id=post["id"]).count() == 1
    response = await client.delete(f"/api/v1/posts/{post['id']}", headers=ann.headers)
    assert response.status_code == 204
    assert await CountedItem.filter(post_id=post["id"]).count() == 0
