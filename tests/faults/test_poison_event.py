"""A poison event (a valid envelope whose data the post handler rejects) is retried, then
moved to ``deadletter.post`` after CONSUMER_MAX_DELIVERIES deliveries, and the events behind
it are processed."""

from __future__ import annotations

import json

import httpx
from chassis.events.envelope import Envelope
from chassis.testing import wait_until
from redis.asyncio import Redis

from tests.faults.conftest import (
    cluster_fixture,
    create_post,
    dead_letters,
    pending_count,
    post_counters,
    processed,
    reaction_created,
    sign_up,
    xadd,
)

MAX_DELIVERIES = 3
cluster = cluster_fixture(
    "auth",
    "post",
    suffix="faults_5",
    env={"post": {"POST_CONSUMER_MAX_DELIVERIES": str(MAX_DELIVERIES)}},
)
BEHIND = 20


async def test_poison_event_is_dead_lettered_and_the_events_behind_it_flow(
    cluster, redis: Redis, http: httpx.AsyncClient
) -> None:
    platform, _workers = cluster
    author = await sign_up(http, platform, "Ada")
    post = await create_post(http, platform, author)
    good = reaction_created(post, author["id"])
    # The envelope parses; its data does not: reaction_id is no UUID, so the post handler's
    # model validation raises on every delivery.
    poison = Envelope(
        type="post_reaction_created",
        producer="interaction",
        data={**good.data, "reaction_id": "not-a-uuid"},
    )
    behind = [reaction_created(post, author["id"]) for _ in range(BEHIND)]
    [poison_entry, *_] = await xadd(redis, [poison, *behind])

    async def settled() -> bool:
        return (
            len(await dead_letters(redis, "post")) == 1
            and await pending_count(redis, "post_reaction_created", "post") == 0
        )

    await wait_until(settled, timeout=30, interval=0.1)
    [letter] = await dead_letters(redis, "post")
    assert letter["event_id"] == str(poison.event_id)
    assert json.loads(letter["data"])["reaction_id"] == "not-a-uuid"
    assert letter["dlq_stream"] == "events.post_reaction_created"
    assert letter["dlq_entry_id"] == poison_entry
    assert letter["dlq_group"] == "post"
    assert int(letter["dlq_deliveries"]) == MAX_DELIVERIES
    assert "reaction_id" in letter["dlq_error"], letter["dlq_error"]
    assert await redis.hgetall("consumer-errors:post") == {}

    counters = await post_counters(platform, post["id"])
    assert counters["total_reactions"] == BEHIND
    # Only the good events were recorded as processed; the poison's transaction rolled back.
    assert await processed(platform, "post", "post_reaction_created") == BEHIND
