"""The consumer handles each read in one transaction (a savepoint per entry): the exactly-once
scenarios again, with the faults inside a batch, against the real post service's workers.

- A worker SIGKILLed while a backlog of full batches drains: the batch it had open commits
  nothing, the next worker reclaims it, every effect lands once.
- Duplicates and a poison entry inside the same batches as good ones: each duplicate has no
  effect, the poison is dead-lettered on its own account only, the rest commit."""

from __future__ import annotations

import httpx
from chassis.events.envelope import Envelope
from chassis.testing import wait_until
from redis.asyncio import Redis

from tests.faults.conftest import (
    bearer,
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
    suffix="faults_8",
    env={
        "post": {
            "POST_RUN_WORKERS": "false",
            "POST_CONSUMER_BATCH_SIZE": "50",
            "POST_CONSUMER_MAX_DELIVERIES": str(MAX_DELIVERIES),
        }
    },
)
BACKLOG = 600  # twelve full batches waiting before the first worker starts


async def test_kill_mid_batch_then_duplicates_and_poison_inside_batches(
    cluster, redis: Redis, http: httpx.AsyncClient
) -> None:
    platform, workers = cluster
    author = await sign_up(http, platform, "Ada")
    post = await create_post(http, platform, author)

    # 1. A backlog of full batches; the worker is killed once it has committed some of them.
    events = [reaction_created(post, author["id"]) for _ in range(BACKLOG)]
    await xadd(redis, events)
    first = workers.start("post")

    async def some_batches_done() -> bool:
        return await processed(platform, "post", "post_reaction_created") >= 100

    await wait_until(some_batches_done, timeout=60, interval=0.005)
    first.kill()
    first.wait(timeout=10)
    done_at_kill = await processed(platform, "post", "post_reaction_created")
    assert done_at_kill < BACKLOG, "the worker drained everything before it could be killed"
    # What committed is consistent: every recorded event has its effect, nothing more.
    counters = await post_counters(platform, post["id"])
    assert counters["total_reactions"] == done_at_kill

    # 2. Duplicates and a poison entry, interleaved with good events inside the same reads.
    good = [reaction_created(post, author["id"]) for _ in range(120)]
    poison = Envelope(
        type="post_reaction_created",
        producer="interaction",
        data={**good[0].data, "reaction_id": "not-a-uuid"},
    )
    mixed: list[Envelope] = []
    for i, event in enumerate(good):
        mixed.append(event)
        if i % 3 == 0:
            mixed.append(event)  # the same event again (a republished outbox row)
        if i == 60:
            mixed.append(poison)
    await xadd(redis, mixed)
    workers.start("post")
    total = BACKLOG + len(good)

    async def settled() -> bool:
        return (
            (await post_counters(platform, post["id"]))["total_reactions"] == total
            and len(await dead_letters(redis, "post")) == 1
            and await pending_count(redis, "post_reaction_created", "post") == 0
        )

    await wait_until(settled, timeout=90, interval=0.1)
    counters = await post_counters(platform, post["id"])
    assert counters["total_reactions"] == total
    assert counters["positive_reactions"] == total
    assert await processed(platform, "post", "post_reaction_created") == total
    [letter] = await dead_letters(redis, "post")
    assert letter["event_id"] == str(poison.event_id)
    assert int(letter["dlq_deliveries"]) >= MAX_DELIVERIES
    response = await http.get(
        f"{platform.api('post')}/posts/{post['id']}",
        headers=bearer(author),
    )
    assert response.status_code == 200, response.text
    assert response.json()["total_reactions"] == total
