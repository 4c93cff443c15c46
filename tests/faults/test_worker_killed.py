"""A post worker is SIGKILLed while hundreds of reaction events stream in; a new worker takes
over its pending entries (reclaim after 1 s idle) and every event's effect lands exactly once."""

from __future__ import annotations

import asyncio

import httpx
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

cluster = cluster_fixture(
    "auth", "post", suffix="faults_1", env={"post": {"POST_RUN_WORKERS": "false"}}
)

BEFORE_KILL = 300
WHILE_DEAD = 100


async def test_killed_worker_leaves_no_event_lost_or_doubled(
    cluster, redis: Redis, http: httpx.AsyncClient
) -> None:
    platform, workers = cluster
    author = await sign_up(http, platform, "Ada")
    post = await create_post(http, platform, author)
    first = workers.start("post")

    # Events stream in one XADD at a time while the worker consumes them.
    events = [reaction_created(post, author["id"]) for _ in range(BEFORE_KILL + WHILE_DEAD)]
    producer = asyncio.create_task(xadd(redis, events[:BEFORE_KILL]))
    await wait_until(
        lambda: _at_least(platform, 40), timeout=60, interval=0.01
    )  # the worker is mid-way through
    first.kill()
    first.wait(timeout=10)
    await producer
    done_at_kill = await processed(platform, "post", "post_reaction_created")
    assert done_at_kill < BEFORE_KILL, "the worker finished before it could be killed"

    # More events arrive while no worker runs; then a new worker starts.
    await xadd(redis, events[BEFORE_KILL:])
    workers.start("post")
    total = BEFORE_KILL + WHILE_DEAD

    async def all_applied() -> bool:
        counters = await post_counters(platform, post["id"])
        return (
            counters["total_reactions"] == total
            and await pending_count(redis, "post_reaction_created", "post") == 0
        )

    await wait_until(all_applied, timeout=60, interval=0.1)
    counters = await post_counters(platform, post["id"])
    assert counters["total_reactions"] == total
    assert counters["positive_reactions"] == total
    assert await processed(platform, "post", "post_reaction_created") == total
    assert await dead_letters(redis, "post") == []
    response = await http.get(f"{platform.api('post')}/posts/{post['id']}", headers=bearer(author))
    assert response.status_code == 200, response.text
    assert response.json()["total_reactions"] == total


async def _at_least(platform, count: int) -> bool:
    return await processed(platform, "post", "post_reaction_created") >= count
