"""Shared helpers of the fault suite: a small cluster of real service processes, direct access
to their databases and to the streams, and contract-valid events to put on them.

Every scenario runs the services it needs (auth and post, the consumer of the interaction
events) as real processes from ``tests/cluster.py``, on its own databases
``social_<name>_faults_<n>``, and talks to them over HTTP, Redis and Postgres only.
"""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from chassis.events.envelope import Envelope, dead_letter_stream, stream_for
from chassis.testing import ContractValidator
from redis.asyncio import Redis

from tests.cluster import POSTGRES, ROOT, Cluster

REDIS_URL = "redis://127.0.0.1:6379/11"
CONTRACTS = ContractValidator(ROOT / "contracts")
PASSWORD = "correct horse battery staple"


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    """The suite's shared Redis database, emptied before each scenario."""
    client = Redis.from_url(REDIS_URL)
    await client.flushdb()
    try:
        yield client
    finally:
        await client.aclose()


class Workers:
    """Standalone worker processes started by a scenario; all killed at the end."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, name: str) -> subprocess.Popen[bytes]:
        process = self.cluster.start_worker(name)
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL: no shutdown, no ack of what it was handling."""
        process.kill()
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


async def start_cluster(
    suffix: str, redis_url: str, *names: str, env: dict[str, dict[str, str]] | None = None
) -> Cluster:
    cluster = Cluster(suffix=suffix, redis_url=redis_url, env=env)
    try:
        await asyncio.to_thread(cluster.start_only, *names)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def cluster_fixture(*names: str, suffix: str, env: dict[str, dict[str, str]] | None = None) -> Any:
    """A fixture running ``names`` against the suite's Redis database, with worker cleanup."""

    @pytest.fixture
    async def fixture(redis: Redis) -> AsyncIterator[tuple[Cluster, Workers]]:
        cluster = await start_cluster(suffix, REDIS_URL, *names, env=env)
        workers = Workers(cluster)
        try:
            yield cluster, workers
        finally:
            workers.stop_all()
            cluster.stop()

    return fixture


# --- Postgres ---------------------------------------------------------------------------------


async def sql(cluster: Cluster, service: str, query: str, *args: Any) -> Any:
    """One value from the service's own database (a fresh connection each time)."""
    conn = await asyncpg.connect(cluster.database_url(service))
    try:
        return await conn.fetchval(query, *args)
    finally:
        await conn.close()


async def admin_sql(query: str) -> None:
    """A statement on the maintenance database (ALTER DATABASE, pg_terminate_backend)."""
    conn = await asyncpg.connect(f"{POSTGRES}/postgres")
    try:
        await conn.execute(query)
    finally:
        await conn.close()


async def post_counters(cluster: Cluster, post_id: str) -> dict[str, int]:
    conn = await asyncpg.connect(cluster.database_url("post"))
    try:
        row = await conn.fetchrow(
            "SELECT total_comments, total_reactions, positive_reactions FROM post WHERE id = $1",
            uuid.UUID(post_id),
        )
    finally:
        await conn.close()
    assert row is not None, f"post {post_id} is not in the post database"
    return dict(row)


async def processed(cluster: Cluster, service: str, event_type: str) -> int:
    return int(
        await sql(
            cluster,
            service,
            "SELECT count(*) FROM processed_event WHERE event_type = $1",
            event_type,
        )
    )


# --- HTTP -------------------------------------------------------------------------------------


async def sign_up(client: httpx.AsyncClient, cluster: Cluster, first: str) -> dict[str, str]:
    """A new account, signed in: ``{"id", "email", "token"}``."""
    email = f"{first.lower()}-{uuid.uuid4().hex[:10]}@example.com"
    auth = cluster.api("auth")
    response = await client.post(
        f"{auth}/auth/signup",
        json={"email": email, "password": PASSWORD, "first_name": first, "last_name": "Fault"},
    )
    assert response.status_code == 201, response.text
    user_id = response.json()["id"]
    response = await client.post(f"{auth}/auth/signin", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"id": user_id, "email": email, "token": response.json()["access_token"]}


def bearer(user: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {user['token']}"}


async def create_post(
    client: httpx.AsyncClient, cluster: Cluster, user: dict[str, str], content: str = ""
) -> dict[str, Any]:
    response = await client.post(
        f"{cluster.api('post')}/posts",
        json={
            "content": content or f"A post written under fault {uuid.uuid4().hex[:8]}.",
            "categories": ["SCIENCE"],
            "status": "POSTED",
        },
        headers=bearer(user),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


# --- Streams ----------------------------------------------------------------------------------


def reaction_created(
    post: dict[str, Any], user_id: str, *, reaction_type: str = "LIKE"
) -> Envelope:
    """A contract-valid ``post_reaction_created`` for a new reaction on ``post``."""
    now = datetime.now(UTC)
    envelope = Envelope(
        type="post_reaction_created",
        producer="interaction",
        occurred_at=now,
        data={
            "reaction_id": str(uuid.uuid4()),
            "post_id": post["id"],
            "post_author_id": post["created_by"],
            "categories": post["categories"],
            "user_id": user_id,
            "type": reaction_type,
            "created_at": now.isoformat(),
        },
    )
    CONTRACTS.validate(envelope)
    return envelope


def comment_created(post: dict[str, Any], user_id: str) -> Envelope:
    """A contract-valid ``post_comment_created`` for a new top-level comment on ``post``."""
    now = datetime.now(UTC)
    envelope = Envelope(
        type="post_comment_created",
        producer="interaction",
        occurred_at=now,
        data={
            "comment_id": str(uuid.uuid4()),
            "post_id": post["id"],
            "post_author_id": post["created_by"],
            "categories": post["categories"],
            "author_id": user_id,
            "parent_id": None,
            "content": "Written while the database was away.",
            "created_at": now.isoformat(),
        },
    )
    CONTRACTS.validate(envelope)
    return envelope


async def xadd(redis: Redis, envelopes: list[Envelope]) -> list[str]:
    """Each envelope on its stream, one XADD each (as separate relays would); the entry ids."""
    ids = []
    for envelope in envelopes:
        entry_id = await redis.xadd(stream_for(envelope.type), envelope.to_fields())  # type: ignore[arg-type]
        ids.append(entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id))
    return ids


async def pending_count(redis: Redis, event_type: str, group: str) -> int:
    summary: Any = await redis.xpending(stream_for(event_type), group)
    return int(summary["pending"])


async def dead_letters(redis: Redis, group: str) -> list[dict[str, str]]:
    entries: Any = await redis.xrange(dead_letter_stream(group))
    return [{k.decode(): v.decode() for k, v in fields.items()} for _id, fields in entries]


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10.0) as client:
        yield client
