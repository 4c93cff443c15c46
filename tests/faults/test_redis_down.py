"""Redis is stopped while users keep writing: every write succeeds, its event waits in the
outbox, and once Redis is back (same port, empty: no persistence) every event is published and
the outbox drains."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from chassis.testing import RedisServer, read_events, wait_until
from redis.asyncio import Redis

from tests.cluster import Cluster
from tests.faults.conftest import bearer, create_post, sign_up, sql, start_cluster

WRITES = 20


@pytest.fixture
async def platform() -> AsyncIterator[tuple[Cluster, RedisServer]]:
    server = RedisServer()
    server.start()
    cluster = None
    try:
        cluster = await start_cluster("faults_2", server.url, "auth", "post")
        yield cluster, server
    finally:
        if cluster is not None:
            cluster.stop()
        server.kill()
        shutil.rmtree(server.directory, ignore_errors=True)


async def _unpublished(cluster: Cluster) -> int:
    return int(
        await sql(cluster, "post", "SELECT count(*) FROM outbox_event WHERE published_at IS NULL")
    )


async def _outbox_drained(cluster: Cluster) -> bool:
    return await _unpublished(cluster) == 0


async def _published_ids(server: RedisServer, event_type: str) -> list[str]:
    redis = Redis.from_url(server.url)
    try:
        return [str(e.data["post_id"]) for e in await read_events(redis, event_type)]
    finally:
        await redis.aclose()


async def test_edits_succeed_while_redis_is_down_and_are_published_when_it_returns(
    platform: tuple[Cluster, RedisServer], http: httpx.AsyncClient
) -> None:
    cluster, server = platform
    author = await sign_up(http, cluster, "Grace")
    posts: list[dict[str, Any]] = [await create_post(http, cluster, author) for _ in range(WRITES)]
    await wait_until(lambda: _outbox_drained(cluster), timeout=10, interval=0.05)

    server.kill()
    for n, post in enumerate(posts):
        response = await http.patch(
            f"{cluster.api('post')}/posts/{post['id']}",
            json={"content": f"Edited while Redis is down, #{n}."},
            headers=bearer(author),
        )
        assert response.status_code == 200, response.text
    assert await _unpublished(cluster) == WRITES
    edited = {p["id"] for p in posts}
    assert await sql(
        cluster, "post", "SELECT count(*) FROM post WHERE content LIKE 'Edited while Redis%'"
    ) == len(edited)

    server.start()  # same port, empty

    async def all_published() -> bool:
        return edited <= set(await _published_ids(server, "post_updated"))

    await wait_until(all_published, timeout=30, interval=0.1)
    await wait_until(lambda: _outbox_drained(cluster), timeout=10, interval=0.05)
    ours = [i for i in await _published_ids(server, "post_updated") if i in edited]
    assert sorted(ours) == sorted(edited)  # each edit's event once


async def test_creates_succeed_while_redis_is_down_and_are_published_when_it_returns(
    platform: tuple[Cluster, RedisServer], http: httpx.AsyncClient
) -> None:
    cluster, server = platform
    author = await sign_up(http, cluster, "Grace")
    await create_post(http, cluster, author)  # the token is now checked and cached
    await wait_until(lambda: _outbox_drained(cluster), timeout=10, interval=0.05)

    server.kill()
    for n in range(WRITES):
        response = await http.post(
            f"{cluster.api('post')}/posts",
            json={"content": f"Written while Redis is down, #{n}.", "status": "POSTED",
                  "categories": ["SCIENCE"]},
            headers=bearer(author),
        )  # fmt: skip
        assert response.status_code == 201, (n, response.text)
    assert await _unpublished(cluster) == WRITES
    assert await sql(cluster, "post", "SELECT count(*) FROM post") == WRITES + 1

    server.start()  # same port, empty
    written = set(
        await sql(
            cluster,
            "post",
            "SELECT array_agg(id::text) FROM post WHERE content LIKE 'Written while Redis%'",
        )
    )

    async def all_published() -> bool:
        return written <= set(await _published_ids(server, "post_created"))

    await wait_until(all_published, timeout=30, interval=0.1)
    await wait_until(lambda: _outbox_drained(cluster), timeout=10, interval=0.05)
    ours = [i for i in await _published_ids(server, "post_created") if i in written]
    assert sorted(ours) == sorted(written)
