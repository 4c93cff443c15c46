"""Change, forgot and reset password; the hashing cost."""

from __future__ import annotations

import httpx
import pytest
from redis.asyncio import Redis

from auth_service.auth.models import AuthSession
from auth_service.settings import AuthSettings
from auth_service.users.models import User
from chassis.clock import FrozenClock
from chassis.events import OutboxRelay
from chassis.testing import ContractValidator, read_events
from tests.conftest import PASSWORD, Mailbox, bearer, create_user, signin

NEW = "a brand new passphrase"


async def test_argon2id_meets_owasp_minimum(client: httpx.AsyncClient) -> None:
    user = await create_user(client, "hash@example.com")
    stored = (await User.get(id=user.id)).password_hash
    _, variant, _version, params, *_ = stored.split("$")
    values = dict(p.split("=") for p in params.split(","))
    assert variant == "argon2id"
    assert int(values["m"]) >= 19456 and int(values["t"]) >= 2


async def test_change_password_revokes_every_session_and_returns_new_tokens(
    client: httpx.AsyncClient, redis: Redis, settings: AuthSettings, contracts: ContractValidator
) -> None:
    user = await create_user(client, "chg@example.com")
    other_device = await signin(client, "chg@example.com")
    response = await client.post(
        "/api/v1/auth/change-password",
        headers=user.headers,
        json={"current_password": PASSWORD, "new_password": NEW},
    )
    assert response.status_code == 200
    fresh = response.json()
    for old in (user.access_token, other_device["access_token"]):
        assert (await client.get("/api/v1/users/me", headers=bearer(old))).status_code == 401
    assert (
        await client.get("/api/v1/users/me", headers=bearer(fresh["access_token"]))
    ).status_code == 200
    assert (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
    ).status_code == 401
    old_login = await client.post(
        "/api/v1/auth/signin", json={"email": "chg@example.com", "password": PASSWORD}
    )
    assert old_login.status_code == 401
    await signin(client, "chg@example.com", NEW)
    assert await AuthSession.filter(user_id=user.id, revoked_reason="password_changed").count() == 2

    await OutboxRelay(redis, database_url=settings.database_url).publish_pending()
    [event] = await read_events(redis, "user_tokens_revoked")
    contracts.validate(event)
    assert event.data == {"user_id": user.id, "reason": "password_changed", "session_id": None}


async def test_change_password_needs_the_current_one(client: httpx.AsyncClient) -> None:
    user = await create_user(client, "cur@example.com")
    response = await client.post(
        "/api/v1/auth/change-password",
        headers=user.headers,
        json={"current_password": "not it at all", "new_password": NEW},
    )
    assert response.status_code == 401
    assert (await client.get("/api/v1/users/me", headers=user.headers)).status_code == 200
    await signin(client, "cur@example.com", PASSWORD)


@pytest.mark.parametrize("new_password", ["short", "password123", PASSWORD])
async def test_change_password_refuses_weak_or_same(
    client: httpx.AsyncClient, new_password: str
) -> None:
    user = await create_user(client, "weak@example.com")
    response = await client.post(
        "/api/v1/auth/change-password",
        headers=user.headers,
        json={"current_password": PASSWORD, "new_password": new_password},
    )
    assert response.status_code in (409, 422)
    assert (await client.get("/api/v1/users/me", headers=user.headers)).status_code == 200


async def test_forgot_password_is_202_either_way_and_mails_only_real_accounts(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    await create_user(client, "forgot@example.com")
    mailbox.clear()
    real = await client.post("/api/v1/auth/forgot-password", json={"email": "FORGOT@example.com"})
    fake = await client.post("/api/v1/auth/forgot-password", json={"email": "nobody@example.com"})
    assert real.status_code == fake.status_code == 202
    assert real.json() == fake.json()
    assert len(mailbox.messages) == 1 and mailbox.messages[0]["To"] == "forgot@example.com"


async def test_reset_password_is_single_use_and_ends_sessions(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    user = await create_user(client, "reset@example.com")
    await client.post("/api/v1/auth/forgot-password", json={"email": "reset@example.com"})
    token = mailbox.token_for("reset@example.com", "Reset")
    response = await client.post(
        "/api/v1/auth/reset-password", json={"token": token, "new_password": NEW}
    )
    assert response.status_code == 200
    assert (await client.get("/api/v1/users/me", headers=user.headers)).status_code == 401
    await signin(client, "reset@example.com", NEW)
    again = await client.post(
        "/api/v1/auth/reset-password",
        json={"token": token, "new_password": "yet another passphrase"},
    )
    assert again.status_code == 401
    await signin(client, "reset@example.com", NEW)


async def test_reset_token_expires(
    client: httpx.AsyncClient, mailbox: Mailbox, clock: FrozenClock, settings: AuthSettings
) -> None:
    await create_user(client, "slow@example.com")
    await client.post("/api/v1/auth/forgot-password", json={"email": "slow@example.com"})
    token = mailbox.token_for("slow@example.com", "Reset")
    clock.advance(minutes=settings.reset_token_minutes, seconds=1)
    response = await client.post(
        "/api/v1/auth/reset-password", json={"token": token, "new_password": NEW}
    )
    assert response.status_code == 401
    await signin(client, "slow@example.com", PASSWORD)


async def test_reset_token_dies_when_the_password_changes(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    user = await create_user(client, "race@example.com")
    await client.post("/api/v1/auth/forgot-password", json={"email": "race@example.com"})
    token = mailbox.token_for("race@example.com", "Reset")
    changed = await client.post(
        "/api/v1/auth/change-password",
        headers=user.headers,
        json={"current_password": PASSWORD, "new_password": NEW},
    )
    assert changed.status_code == 200
    response = await client.post(
        "/api/v1/auth/reset-password", json={"token": token, "new_password": "attacker chosen pw1"}
    )
    assert response.status_code == 401
    await signin(client, "race@example.com", NEW)


async def test_reset_with_weak_password_is_422_and_keeps_token(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    await create_user(client, "keep@example.com")
    await client.post("/api/v1/auth/forgot-password", json={"email": "keep@example.com"})
    token = mailbox.token_for("keep@example.com", "Reset")
    weak = await client.post(
        "/api/v1/auth/reset-password", json={"token": token, "new_password": "123"}
    )
    assert weak.status_code == 422
    ok = await client.post(
        "/api/v1/auth/reset-password", json={"token": token, "new_password": NEW}
    )
    assert ok.status_code == 200
