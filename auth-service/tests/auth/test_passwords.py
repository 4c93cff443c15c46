"""Change, forgot and reset password (the reset mail through the worker's queue); the hashing
cost."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis

from auth_service.auth.mails import deliver_queued_mails
from auth_service.auth.models import AuthSession, MailRequest, OneTimeToken, TokenPurpose
from auth_service.core.context import AuthContext
from auth_service.core.security import hash_token
from auth_service.settings import AuthSettings
from auth_service.users.models import User
from chassis.clock import FrozenClock
from chassis.events import OutboxRelay
from chassis.events.models import OutboxEvent
from chassis.service import ServiceDefinition, Workers
from chassis.testing import ContractValidator, read_events, wait_until
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
    client: httpx.AsyncClient, mailbox: Mailbox, ctx: AuthContext
) -> None:
    await create_user(client, "forgot@example.com")
    mailbox.clear()
    real = await client.post("/api/v1/auth/forgot-password", json={"email": "FORGOT@example.com"})
    fake = await client.post("/api/v1/auth/forgot-password", json={"email": "nobody@example.com"})
    assert real.status_code == fake.status_code == 202
    assert real.json() == fake.json()
    assert await deliver_queued_mails(ctx) == 2
    assert len(mailbox.messages) == 1 and mailbox.messages[0]["To"] == "forgot@example.com"


@pytest.mark.parametrize(
    ("path", "purpose"),
    [("forgot-password", TokenPurpose.RESET), ("resend-activation", TokenPurpose.ACTIVATE)],
)
async def test_mail_requests_do_the_same_work_whether_or_not_the_account_exists(
    client: httpx.AsyncClient, mailbox: Mailbox, ctx: AuthContext, path: str, purpose: TokenPurpose
) -> None:
    """No account enumeration by timing: the request path only queues the request, one row
    either way; the worker looks the account up, issues the token and mails it after its own
    commit, to existing accounts only."""
    user = await create_user(client, "known@example.com")  # unverified: resend applies
    mailbox.clear()
    tokens_before = await OneTimeToken.filter(user_id=user.id).count()
    outbox_before = await OutboxEvent.all().count()

    known = await client.post(f"/api/v1/auth/{path}", json={"email": "Known@Example.com"})
    unknown = await client.post(f"/api/v1/auth/{path}", json={"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    queued = await MailRequest.all().order_by("id").values("purpose", "email")
    assert queued == [
        {"purpose": purpose, "email": "known@example.com"},
        {"purpose": purpose, "email": "nobody@example.com"},
    ]
    assert await OneTimeToken.filter(user_id=user.id).count() == tokens_before
    assert await OutboxEvent.all().count() == outbox_before
    assert mailbox.messages == []

    assert await deliver_queued_mails(ctx) == 2

    assert await MailRequest.all().count() == 0
    assert [m["To"] for m in mailbox.messages] == ["known@example.com"]
    kind = "Reset" if purpose is TokenPurpose.RESET else "Activation"
    token = mailbox.token_for("known@example.com", kind)
    assert await OneTimeToken.filter(user_id=user.id).count() == tokens_before + 1
    assert await OneTimeToken.filter(
        user_id=user.id, purpose=purpose, token_hash=hash_token(token), used_at=None
    ).exists()
    assert await deliver_queued_mails(ctx) == 0
    assert len(mailbox.messages) == 1


async def test_queued_mail_requests_are_taken_by_one_worker_only(
    client: httpx.AsyncClient, mailbox: Mailbox, ctx: AuthContext
) -> None:
    """Two workers (two replicas) running at once mail each request once."""
    await create_user(client, "once@example.com")
    mailbox.clear()
    for _ in range(3):
        await client.post("/api/v1/auth/forgot-password", json={"email": "once@example.com"})
    counts = await asyncio.gather(deliver_queued_mails(ctx), deliver_queued_mails(ctx))
    assert sum(counts) == 3
    assert await MailRequest.all().count() == 0
    assert len(mailbox.to("once@example.com")) == 3
    assert await OneTimeToken.filter(purpose=TokenPurpose.RESET).count() == 3


async def test_the_service_workers_deliver_queued_mails(
    app: FastAPI,
    client: httpx.AsyncClient,
    mailbox: Mailbox,
    settings: AuthSettings,
    service_definition: ServiceDefinition,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What runs in `make up`: the service's own workers (the scheduler's mail-queue job) take
    the queue; the suite's app runs none (run_workers=False), so start them here."""
    await create_user(client, "worker@example.com")
    mailbox.clear()
    monkeypatch.setattr(settings, "mail_queue_seconds", 0.1)
    workers = Workers(service_definition, app.state.resources)
    assert "mail-queue" in workers.scheduler.jobs
    await workers.start()
    try:
        response = await client.post(
            "/api/v1/auth/forgot-password", json={"email": "worker@example.com"}
        )
        assert response.status_code == 202

        async def mailed() -> bool:
            return bool(mailbox.to("worker@example.com"))

        await wait_until(mailed)
    finally:
        await workers.stop()
    assert await MailRequest.all().count() == 0
    assert mailbox.token_for("worker@example.com", "Reset")


async def test_reset_password_is_single_use_and_ends_sessions(
    client: httpx.AsyncClient, mailbox: Mailbox, ctx: AuthContext
) -> None:
    user = await create_user(client, "reset@example.com")
    await client.post("/api/v1/auth/forgot-password", json={"email": "reset@example.com"})
    await deliver_queued_mails(ctx)
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
    client: httpx.AsyncClient,
    mailbox: Mailbox,
    clock: FrozenClock,
    settings: AuthSettings,
    ctx: AuthContext,
) -> None:
    await create_user(client, "slow@example.com")
    await client.post("/api/v1/auth/forgot-password", json={"email": "slow@example.com"})
    await deliver_queued_mails(ctx)
    token = mailbox.token_for("slow@example.com", "Reset")
    clock.advance(minutes=settings.reset_token_minutes, seconds=1)
    response = await client.post(
        "/api/v1/auth/reset-password", json={"token": token, "new_password": NEW}
    )
    assert response.status_code == 401
    await signin(client, "slow@example.com", PASSWORD)


async def test_reset_token_dies_when_the_password_changes(
    client: httpx.AsyncClient, mailbox: Mailbox, ctx: AuthContext
) -> None:
    user = await create_user(client, "race@example.com")
    await client.post("/api/v1/auth/forgot-password", json={"email": "race@example.com"})
    await deliver_queued_mails(ctx)
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
    client: httpx.AsyncClient, mailbox: Mailbox, ctx: AuthContext
) -> None:
    await create_user(client, "keep@example.com")
    await client.post("/api/v1/auth/forgot-password", json={"email": "keep@example.com"})
    await deliver_queued_mails(ctx)
    token = mailbox.token_for("keep@example.com", "Reset")
    weak = await client.post(
        "/api/v1/auth/reset-password", json={"token": token, "new_password": "123"}
    )
    assert weak.status_code == 422
    ok = await client.post(
        "/api/v1/auth/reset-password", json={"token": token, "new_password": NEW}
    )
    assert ok.status_code == 200
