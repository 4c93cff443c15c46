"""Two worker replicas each of the post and engagement services share their consumer groups:
a few hundred events are split between the replicas of each group, and each event's effect
happens exactly once in each service."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from chassis.events.envelope import stream_for
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
    sql,
    xadd,
)

REPLICATED = ("post", "engagement")
cluster = cluster_fixture(
    "auth",
    *REPLICATED,
    suffix="faults_6",
    env={
        name: {f"{name.upper()}_RUN_WORKERS": "false", f"{name.upper()}_CONSUMER_BATCH_SIZE": "5"}
        for name in REPLICATED
    },
)
EVENTS = 300
STREAM = stream_for("post_reaction_created")


async def _readers(redis: Redis) -> int:
    """Connections to this Redis database blocked in (or last running) XREADGROUP."""
    clients: Any = await redis.client_list()
    return sum(1 for c in clients if c.get("db") == "11" and c.get("cmd") == "xreadgroup")


async def test_two_replicas_split_the_work_and_apply_each_event_once(
    cluster, redis: Redis, http: httpx.AsyncClient
) -> None:
    platform, workers = cluster
    author = await sign_up(http, platform, "Ada")
    fan = await sign_up(http, platform, "Bob")
    post = await create_post(http, platform, author)
    replicas = {name: [workers.start(name), workers.start(name)] for name in REPLICATED}

    async def all_listening() -> bool:
        return await _readers(redis) >= 2 * len(REPLICATED)

    await wait_until(all_listening, timeout=30, interval=0.1)

    # Who holds entries while they are being handled: an entry is pending under the consumer
    # that read it until that consumer acks it.
    holders: dict[str, set[str]] = {group: set() for group in REPLICATED}
    done = asyncio.Event()

    async def watch() -> None:
        while not done.is_set():
            for group in REPLICATED:
                summary: Any = await redis.xpending(STREAM, group)
                for consumer in summary["consumers"] or []:
                    name = consumer["name"]
                    holders[group].add(name.decode() if isinstance(name, bytes) else name)
            await asyncio.sleep(0.002)

    watcher = asyncio.create_task(watch())
    try:
        await xadd(redis, [reaction_created(post, fan["id"]) for _ in range(EVENTS)])

        async def all_applied() -> bool:
            for group in REPLICATED:
                if await processed(platform, group, "post_reaction_created") != EVENTS:
                    return False
                if await pending_count(redis, "post_reaction_created", group) != 0:
                    return False
            return True

        await wait_until(all_applied, timeout=90, interval=0.1)
    finally:
        done.set()
        await watcher

    assert (await post_counters(platform, post["id"]))["total_reactions"] == EVENTS
    items = await sql(
        platform,
        "engagement",
        "SELECT count(*) FROM engagement_activity_item WHERE post_id = $1 AND kind = 'reaction'",
        uuid.UUID(post["id"]),
    )
    assert items == EVENTS
    for group in REPLICATED:
        assert await dead_letters(redis, group) == []
        # Consumer names are <group>-<host>-<pid>-<random>: both replica processes held entries.
        pids = {int(name.split("-")[-2]) for name in holders[group]}
        assert pids == {p.pid for p in replicas[group]}, (group, holders[group])
        assert all(p.poll() is None for p in replicas[group])  # neither crashed
