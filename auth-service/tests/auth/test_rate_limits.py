"""Redis-backed limits: 429 with Retry-After, shared by every process using the same Redis."""

from __future__ import annotations

import httpx
import pytest

from auth_service.settings import AuthSettings
from auth_service.users.models import User
from tests.conftest import PASSWORD, create_user, signup


async def test_signin_is_limited_per_email(
    client: httpx.AsyncClient, settings: AuthSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    await create_user(client, "limit@example.com")
    monkeypatch.setattr(settings, "signin_per_email", (4, 900))  # create_user used one
    body = {"email": "limit@example.com", "password": "wrong password!"}
    statuses = [(await client.post("/api/v1/auth/signin", json=body)).status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    blocked = await client.post(
        "/api/v1/auth/signin", json={"email": "LIMIT@example.com", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["retry-after"]) <= 900
    assert blocked.json()["error"]["code"] == "rate_limited"
    # another account from the same client is not affected by this email's budget
    await create_user(client, "other@example.com")


async def test_signin_is_limited_per_ip(
    client: httpx.AsyncClient, settings: AuthSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "signin_per_ip", (2, 60))
    for i in range(2):
        body = {"email": f"x{i}@example.com", "password": "whatever you like"}
        assert (await client.post("/api/v1/auth/signin", json=body)).status_code == 401
    body = {"email": "x9@example.com", "password": "whatever you like"}
    assert (await client.post("/api/v1/auth/signin", json=body)).status_code == 429


async def test_signup_is_limited_per_ip(
    client: httpx.AsyncClient, settings: AuthSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "signup_per_ip", (2, 3600))
    assert (await signup(client, "s1@example.com")).status_code == 201
    assert (await signup(client, "s2@example.com")).status_code == 201
    response = await signup(client, "s3@example.com")
    assert response.status_code == 429
    assert await User.filter(email="s3@example.com").count() == 0


async def test_password_reset_is_limited_per_email(
    client: httpx.AsyncClient, settings: AuthSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "password_reset_per_email", (1, 3600))
    body = {"email": "victim@example.com"}
    assert (await client.post("/api/v1/auth/forgot-password", json=body)).status_code == 202
    assert (await client.post("/api/v1/auth/forgot-password", json=body)).status_code == 429


async def test_limits_are_shared_through_redis(
    client: httpx.AsyncClient, settings: AuthSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A limiter in another process (built from scratch on the same Redis) sees the same count."""
    from redis.asyncio import Redis

    from chassis.errors import RateLimited
    from chassis.ratelimit import RateLimiter

    monkeypatch.setattr(settings, "signin_per_email", (2, 900))
    body = {"email": "shared@example.com", "password": "wrong password!"}
    assert (await client.post("/api/v1/auth/signin", json=body)).status_code == 401
    assert (await client.post("/api/v1/auth/signin", json=body)).status_code == 401
    elsewhere = RateLimiter(Redis.from_url(settings.redis_url), prefix="auth")
    try:
        with pytest.raises(RateLimited):
            await elsewhere.hit("signin:email:shared@example.com", limit=2, window_seconds=900)
    finally:
        await elsewhere.redis.aclose()
