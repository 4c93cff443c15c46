"""The auth service is stopped: the other services refuse requests they cannot check (401
without a token, 503 for a token they have not cached) and write nothing; once auth is back on
the same port, the same requests succeed without restarting anything else."""

from __future__ import annotations

import asyncio

import httpx
from chassis.testing import wait_until
from redis.asyncio import Redis

from tests.cluster import Cluster
from tests.faults.conftest import bearer, cluster_fixture, create_post, sign_up, sql

cluster = cluster_fixture("auth", "post", "interaction", suffix="faults_3")

ROWS = {
    "post": ("post", "outbox_event"),
    "interaction": ("interaction_comment", "interaction_reaction", "outbox_event"),
}


async def _row_counts(platform: Cluster) -> dict[str, int]:
    counts = {}
    for service, tables in ROWS.items():
        for table in tables:
            counts[f"{service}.{table}"] = int(
                await sql(platform, service, f"SELECT count(*) FROM {table}")
            )
    return counts


async def test_services_refuse_unverifiable_requests_while_auth_is_down_and_recover(
    cluster, redis: Redis, http: httpx.AsyncClient
) -> None:
    platform, _workers = cluster
    ada = await sign_up(http, platform, "Ada")
    bob = await sign_up(http, platform, "Bob")  # signed in, never seen by post or interaction
    post = await create_post(http, platform, ada)
    posts, inter = platform.api("post"), platform.api("interaction")
    body = {"content": "Written while auth is down.", "categories": ["SCIENCE"],
            "status": "POSTED"}  # fmt: skip
    comment = {"content": "A comment while auth is down."}

    await asyncio.to_thread(platform.stop_service, "auth")
    before = await _row_counts(platform)

    response = await http.post(f"{posts}/posts", json=body, headers=bearer(bob))
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"]
    response = await http.post(
        f"{inter}/posts/{post['id']}/comments", json=comment, headers=bearer(bob)
    )
    assert response.status_code == 503, response.text
    response = await http.put(
        f"{inter}/posts/{post['id']}/reactions/me", json={"type": "LIKE"}, headers=bearer(bob)
    )
    assert response.status_code == 503, response.text
    response = await http.post(f"{posts}/posts", json=body)
    assert response.status_code == 401, response.text
    response = await http.post(f"{inter}/posts/{post['id']}/comments", json=comment)
    assert response.status_code == 401, response.text
    assert await _row_counts(platform) == before

    await asyncio.to_thread(platform.start_service, "auth")  # same port; others untouched

    async def created() -> httpx.Response | None:
        response = await http.post(f"{posts}/posts", json=body, headers=bearer(bob))
        return response if response.status_code != 503 else None

    response = await wait_until(created, timeout=15, interval=0.2)
    assert response.status_code == 201, response.text
    assert response.json()["created_by"] == bob["id"]
    response = await http.post(
        f"{inter}/posts/{post['id']}/comments", json=comment, headers=bearer(bob)
    )
    assert response.status_code == 201, response.text
    after = await _row_counts(platform)
    assert after["post.post"] == before["post.post"] + 1
    assert after["interaction.interaction_comment"] == before["interaction.interaction_comment"] + 1
