"""Redis-backed limits: 429 with Retry-After, shared by every process using the same Redis."""

from __future__ import annotations

import httpx
import pytest
from redis.asyncio import Redis

from auth_service.auth.models import AuthSession, MailRequest
from auth_service.settings import AuthSettings
from auth_service.users.models import User
from chassis.errors import RateLimited
from chassis.ratelimit import RateLimiter
from chassis.testing import assert_error, outbox_rows
from tests.conftest import PASSWORD, bearer, create_user, signin, signup


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


async def test_mail_requests_are_limited_per_ip(
    client: httpx.AsyncClient, settings: AuthSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One address cannot spray reset or activation mails over many accounts; the two routes
    keep their own counters."""
    monkeypatch.setattr(settings, "password_reset_per_ip", (2, 3600))
    for path in ("forgot-password", "resend-activation"):
        for i in range(2):
            body = {"email": f"{path}-{i}@example.com"}
            assert (await client.post(f"/api/v1/auth/{path}", json=body)).status_code == 202
        blocked = await client.post(f"/api/v1/auth/{path}", json={"email": "last@example.com"})
        assert_error(blocked, 429, "rate_limited")
    assert await MailRequest.all().count() == 4
    assert await MailRequest.filter(email="last@example.com").count() == 0


async def test_limits_are_shared_through_redis(
    client: httpx.AsyncClient, settings: AuthSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A limiter in another process (built from scratch on the same Redis) sees the same count."""
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


async def _change_password(
    client: httpx.AsyncClient, headers: dict[str, str], current: str
) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/change-password",
        headers=headers,
        json={"current_password": current, "new_password": "a brand new passphrase"},
    )


async def test_change_password_guesses_are_limited_per_user(
    client: httpx.AsyncClient, settings: AuthSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stolen access token does not buy unlimited guesses at the current password: past the
    limit even the right one is refused, and nothing changes."""
    user = await create_user(client, "guess@example.com")
    monkeypatch.setattr(settings, "change_password_per_user", (3, 900))
    stored = (await User.get(id=user.id)).password_hash
    for guess in ("guess number one", "guess number two", "guess number three"):
        assert_error(
            await _change_password(client, user.headers, guess), 401, "invalid_credentials"
        )
    blocked = await _change_password(client, user.headers, PASSWORD)
    assert_error(blocked, 429, "rate_limited")
    assert 1 <= int(blocked.headers["retry-after"]) <= 900
    assert (await User.get(id=user.id)).password_hash == stored
    assert await AuthSession.filter(user_id=user.id, revoked_at=None).count() == 1
    assert await outbox_rows("user_tokens_revoked") == []
    assert (await client.get("/api/v1/users/me", headers=user.headers)).status_code == 200
    # Another signed-in session of the same account shares the budget.
    again = await signin(client, "guess@example.com")
    assert_error(
        await _change_password(client, bearer(again["access_token"]), PASSWORD), 429, "rate_limited"
    )
    # Another account (same client address) has its own budget.
    other = await create_user(client, "other@example.com")
    assert (await _change_password(client, other.headers, PASSWORD)).status_code == 200


async def test_change_password_guesses_are_limited_per_ip(
    client: httpx.AsyncClient, settings: AuthSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many stolen tokens used from one address share that address's budget."""
    first = await create_user(client, "first@example.com")
    second = await create_user(client, "second@example.com")
    monkeypatch.setattr(settings, "change_password_per_ip", (2, 900))
    assert_error(await _change_password(client, first.headers, "wrong guess one"), 401)
    assert_error(await _change_password(client, second.headers, "wrong guess two"), 401)
    blocked = await _change_password(client, second.headers, PASSWORD)
    assert_error(blocked, 429, "rate_limited")
    assert (await User.get(id=second.id)).password_hash.startswith("$argon2id$")
    await signin(client, "second@example.com", PASSWORD)
