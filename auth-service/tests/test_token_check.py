"""The chassis token check (``CurrentUser``) against the real auth service over real HTTP.

A small app plays "another service": it knows nothing of users, only the chassis dependency,
and talks to this auth service listening on a loopback port.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from redis.asyncio import Redis

from auth_service.auth.models import AuthSession
from auth_service.core.context import AuthContext
from auth_service.core.security import ACCESS
from auth_service.settings import AuthSettings
from chassis.errors import install_error_handlers
from chassis.events import Envelope, EventConsumer, OutboxRelay
from chassis.testing import LiveServer, free_port, wait_until
from chassis.tokens import CurrentUser, TokenVerifier, token_eviction_handler
from tests.conftest import create_user, make_role


@dataclass
class OtherService:
    client: httpx.AsyncClient
    verifier: TokenVerifier
    auth_calls: list[str]
    auth: LiveServer


def other_service_app(verifier: TokenVerifier, redis: Redis) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.state.token_verifier = verifier

    @app.get("/whoami")
    async def whoami(user: CurrentUser) -> dict:
        return {"id": user.id, "role": user.role, "status": user.status}

    @app.post("/write")
    async def write(user: CurrentUser) -> dict:
        await redis.incr("other-service:writes")
        return {"ok": True}

    return app


@pytest_asyncio.fixture
async def other(app: FastAPI, redis: Redis, settings: AuthSettings) -> AsyncIterator[OtherService]:
    calls: list[str] = []

    async def count(request: httpx.Request) -> None:
        calls.append(str(request.url))

    async with LiveServer(app, lifespan="off") as auth:
        http = httpx.AsyncClient(event_hooks={"request": [count]})
        verifier = TokenVerifier(
            auth_url=auth.url,
            verify_path=settings.auth_verify_path,
            http=http,
            redis=redis,
            cache_seconds=30,
            timeout_seconds=0.5,
        )
        other_app = other_service_app(verifier, redis)
        transport = httpx.ASGITransport(app=other_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://other") as client:
            yield OtherService(client=client, verifier=verifier, auth_calls=calls, auth=auth)
        await http.aclose()


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_valid_token_is_accepted_and_cached(
    client: httpx.AsyncClient, other: OtherService
) -> None:
    user = await create_user(client, "check@example.com")
    first = await other.client.get("/whoami", headers=headers(user.access_token))
    assert first.status_code == 200
    assert first.json() == {"id": user.id, "role": "user", "status": "ACTIVE"}
    second = await other.client.get("/whoami", headers=headers(user.access_token))
    assert second.status_code == 200
    assert len(other.auth_calls) == 1  # the second answer came from the cache


async def test_cache_ttl_never_outlives_the_token(
    client: httpx.AsyncClient, other: OtherService, ctx: AuthContext, redis: Redis
) -> None:
    user = await create_user(client, "ttl@example.com")
    session = await AuthSession.filter(user_id=user.id).first()
    assert session is not None
    short = ctx.tokens.issue(
        user_id=uuid.UUID(user.id),
        session_id=session.id,
        kind=ACCESS,
        now=ctx.now(),
        lifetime=timedelta(seconds=3),
    )
    assert (await other.client.get("/whoami", headers=headers(short.token))).status_code == 200
    key = f"tokencache:token:{hashlib.sha256(short.token.encode()).hexdigest()}"
    ttl = await redis.pttl(key)
    assert 0 < ttl <= 3000


@pytest.mark.parametrize("token", [None, "garbage", "a.b.c"])
async def test_bad_tokens_are_401_and_nothing_is_written(
    other: OtherService, redis: Redis, token: str | None
) -> None:
    response = await other.client.post("/write", headers=headers(token) if token else {})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert await redis.get("other-service:writes") is None


async def test_revocation_takes_effect_when_the_event_arrives(
    client: httpx.AsyncClient, other: OtherService, redis: Redis, settings: AuthSettings
) -> None:
    user = await create_user(client, "revoke@example.com")
    assert (
        await other.client.get("/whoami", headers=headers(user.access_token))
    ).status_code == 200
    # Sign out at the auth service: the cached identity is still there...
    assert (
        await client.post("/api/v1/auth/signout", headers=headers(user.access_token))
    ).status_code == 204
    assert (
        await other.client.get("/whoami", headers=headers(user.access_token))
    ).status_code == 200

    # ...until user_tokens_revoked is relayed and consumed, which runs live here.
    relay = OutboxRelay(redis, database_url=settings.database_url, sweep_seconds=3600)
    consumer = EventConsumer(
        redis,
        group="tokencheck-test",
        block_ms=50,
        handlers={"user_tokens_revoked": token_eviction_handler(other.verifier)},
    )
    await consumer.ensure_groups()
    stop = asyncio.Event()
    tasks = [asyncio.create_task(relay.run(stop)), asyncio.create_task(consumer.run(stop))]
    try:
        relay.wake()

        async def refused() -> bool:
            response = await other.client.get("/whoami", headers=headers(user.access_token))
            return response.status_code == 401

        await wait_until(refused)
    finally:
        stop.set()
        relay.wake()
        await asyncio.gather(*tasks)


async def test_role_change_event_evicts_the_cached_identity(
    client: httpx.AsyncClient, other: OtherService, redis: Redis
) -> None:
    user = await create_user(client, "promote@example.com")
    assert (await other.client.get("/whoami", headers=headers(user.access_token))).json()[
        "role"
    ] == "user"
    await make_role(user.id, "moderator")
    evict = token_eviction_handler(other.verifier)
    await evict(Envelope(type="user_updated", producer="auth", data={"user_id": user.id}))
    response = await other.client.get("/whoami", headers=headers(user.access_token))
    assert response.json()["role"] == "moderator"
    assert len(other.auth_calls) == 2


async def test_auth_outage_is_503_quickly_and_writes_nothing_then_recovers(
    client: httpx.AsyncClient, other: OtherService, redis: Redis
) -> None:
    user = await create_user(client, "outage@example.com")
    await other.auth.stop()
    try:
        response = await other.client.post("/write", headers=headers(user.access_token))
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "service_unavailable"
        assert await redis.get("other-service:writes") is None
    finally:
        await other.auth.start()
    # back without any restart of the other service
    response = await other.client.post("/write", headers=headers(user.access_token))
    assert response.status_code == 200
    assert await redis.get("other-service:writes") == b"1"


async def test_a_hanging_auth_service_times_out_into_503(
    redis: Redis, app: FastAPI, settings: AuthSettings
) -> None:
    port = free_port()
    connections: list[asyncio.StreamWriter] = []

    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)  # accept, read nothing, answer nothing

    server = await asyncio.start_server(hang, "127.0.0.1", port)
    http = httpx.AsyncClient()
    try:
        verifier = TokenVerifier(
            auth_url=f"http://127.0.0.1:{port}",
            verify_path=settings.auth_verify_path,
            http=http,
            redis=redis,
            timeout_seconds=0.3,
        )
        transport = httpx.ASGITransport(app=other_service_app(verifier, redis))
        async with httpx.AsyncClient(transport=transport, base_url="http://other") as c:
            # Returns at all only because the verifier's timeout bounds the wait.
            response = await c.post("/write", headers=headers("some.token.value"))
        assert response.status_code == 503
        assert await redis.get("other-service:writes") is None
    finally:
        for writer in connections:
            writer.close()
        server.close()
        with contextlib.suppress(Exception):
            await server.wait_closed()
        await http.aclose()
