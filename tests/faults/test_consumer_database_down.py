"""The post service's own database refuses connections while interaction events arrive: the
entries stay pending without using up delivery attempts (nothing is dead-lettered), and once
the database is back each event is applied exactly once."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from chassis.events.envelope import stream_for
from chassis.testing import wait_until
from redis.asyncio import Redis

from tests.faults.conftest import (
    admin_sql,
    cluster_fixture,
    comment_created,
    create_post,
    dead_letters,
    pending_count,
    post_counters,
    processed,
    sign_up,
    xadd,
)

MAX_DELIVERIES = 3
cluster = cluster_fixture(
    "auth",
    "post",
    suffix="faults_4",
    env={"post": {"POST_CONSUMER_MAX_DELIVERIES": str(MAX_DELIVERIES)}},
)
EVENTS = 10
# Long enough for reclaim (every 0.5 s, after 1 s idle) to have dead-lettered every entry
# several times over, had the outage counted as deliveries.
OUTAGE_HOLD_SECONDS = 2.0 * MAX_DELIVERIES


async def test_events_wait_out_a_database_outage_and_apply_once(
    cluster, redis: Redis, http: httpx.AsyncClient
) -> None:
    platform, _workers = cluster
    author = await sign_up(http, platform, "Ada")
    post = await create_post(http, platform, author)
    database = f"social_post_{platform.suffix}"
    stream = stream_for("post_comment_created")

    await admin_sql(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
    try:
        await admin_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )
        events = [comment_created(post, author["id"]) for _ in range(EVENTS)]
        await xadd(redis, events)

        async def unacked() -> dict[str, int]:
            groups: Any = await redis.xinfo_groups(stream)
            group = next(g for g in groups if g["name"] in ("post", b"post"))
            # pending: delivered, not acked; lag: not delivered to the group yet
            return {"pending": int(group["pending"]), "lag": int(group["lag"])}

        async def consumer_paused() -> bool:
            state = await unacked()
            return state["pending"] >= 1 and state["pending"] + state["lag"] == EVENTS

        await wait_until(consumer_paused, timeout=15, interval=0.05)
        await asyncio.sleep(OUTAGE_HOLD_SECONDS)  # the outage lasts (not an assertion)
        state = await unacked()
        assert state["pending"] + state["lag"] == EVENTS, state  # nothing acked
        entries: Any = await redis.xpending_range(stream, "post", min="-", max="+", count=100)
        assert len(entries) == state["pending"]
        # The paused consumer neither re-read nor reclaimed: no attempt was used up.
        assert max(e["times_delivered"] for e in entries) == 1, entries
        assert await dead_letters(redis, "post") == []
    finally:
        await admin_sql(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')

    async def all_applied() -> bool:
        return (
            await pending_count(redis, "post_comment_created", "post") == 0
            and (await post_counters(platform, post["id"]))["total_comments"] == EVENTS
        )

    await wait_until(all_applied, timeout=30, interval=0.1)
    assert await processed(platform, "post", "post_comment_created") == EVENTS
    assert (await post_counters(platform, post["id"]))["total_comments"] == EVENTS
    assert await dead_letters(redis, "post") == []
    # The API serves again from the same process (its pool reconnected).
    response = await http.get(
        f"{platform.api('post')}/posts/{post['id']}",
        headers={"Authorization": f"Bearer {author['token']}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["total_comments"] == EVENTS
