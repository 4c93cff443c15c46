"""Redis with AOF (appendfsync always) is SIGKILLed and restarted: the streams and the pending
entries survive exactly, and a post worker started afterwards handles them all, once."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from chassis.events.envelope import stream_for
from chassis.testing import RedisServer, wait_until
from redis.asyncio import Redis

from tests.cluster import Cluster
from tests.faults.conftest import (
    Workers,
    create_post,
    dead_letters,
    pending_count,
    post_counters,
    processed,
    reaction_created,
    sign_up,
    start_cluster,
    xadd,
)

EVENTS = 50
READ_BEFORE_CRASH = 30
STREAM = stream_for("post_reaction_created")


@pytest.fixture
async def platform() -> AsyncIterator[tuple[Cluster, Workers, RedisServer]]:
    server = RedisServer(appendonly=True)
    server.start()
    cluster = None
    workers = None
    try:
        cluster = await start_cluster(
            "faults_7", server.url, "auth", "post", env={"post": {"POST_RUN_WORKERS": "false"}}
        )
        workers = Workers(cluster)
        yield cluster, workers, server
    finally:
        if workers is not None:
            workers.stop_all()
        if cluster is not None:
            cluster.stop()
        server.kill()
        shutil.rmtree(server.directory, ignore_errors=True)


async def _snapshot(redis: Redis) -> dict[str, Any]:
    summary: Any = await redis.xpending(STREAM, "post")
    entries: Any = await redis.xpending_range(STREAM, "post", min="-", max="+", count=1000)
    groups: Any = await redis.xinfo_groups(STREAM)
    return {
        "xlen": await redis.xlen(STREAM),
        "ids": [entry_id for entry_id, _ in await redis.xrange(STREAM)],
        "pending": summary["pending"],
        "pending_ids": [(e["message_id"], e["consumer"], e["times_delivered"]) for e in entries],
        "last_delivered": [g["last-delivered-id"] for g in groups if g["name"] == b"post"],
    }


async def test_streams_and_pending_entries_survive_a_redis_crash_and_are_processed(
    platform: tuple[Cluster, Workers, RedisServer], http: httpx.AsyncClient
) -> None:
    cluster, workers, server = platform
    author = await sign_up(http, cluster, "Ada")
    post = await create_post(http, cluster, author)
    redis = Redis.from_url(server.url)
    try:
        await xadd(redis, [reaction_created(post, author["id"]) for _ in range(EVENTS)])
        # A consumer of the post group read some entries and died before acking them.
        await redis.xgroup_create(STREAM, "post", id="0", mkstream=True)
        await redis.xreadgroup("post", "post-crashed", {STREAM: ">"}, count=READ_BEFORE_CRASH)
        before = await _snapshot(redis)
        assert before["xlen"] == EVENTS
        assert before["pending"] == READ_BEFORE_CRASH
    finally:
        await redis.aclose()

    server.kill()  # SIGKILL: no shutdown save
    server.start()  # same port and directory: replays the AOF

    redis = Redis.from_url(server.url)
    try:
        assert await _snapshot(redis) == before

        workers.start("post")

        async def all_applied() -> bool:
            return (
                await pending_count(redis, "post_reaction_created", "post") == 0
                and await processed(cluster, "post", "post_reaction_created") == EVENTS
            )

        await wait_until(all_applied, timeout=30, interval=0.1)
        assert (await post_counters(cluster, post["id"]))["total_reactions"] == EVENTS
        assert await dead_letters(redis, "post") == []
        assert await redis.xlen(STREAM) == EVENTS
    finally:
        await redis.aclose()
