"""Account administration (``PATCH /admin/users/{id}``): only admins may change a user's role
or status; a ban (or deactivation) ends the user's sessions, a mute does not; admins cannot
demote, mute or ban themselves."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from redis.asyncio import Redis

from auth_service.auth.models import AuthSession
from auth_service.settings import AuthSettings
from auth_service.users.models import Role, User, UserStatus
from chassis.testing import (
    ContractValidator,
    assert_error,
    outbox_rows,
    read_events,
    relay_and_read,
)
from tests.conftest import PASSWORD, create_user, make_role

if TYPE_CHECKING:  # imported for annotations only, so pytest does not try to collect it
    from tests.conftest import TestUser

API = "/api/v1"


# --- helpers ------------------------------------------------------------------------------


async def administer(
    client: httpx.AsyncClient, actor: TestUser, target_id: str, body: Any
) -> httpx.Response:
    return await client.patch(f"{API}/admin/users/{target_id}", json=body, headers=actor.headers)


async def make_admin(client: httpx.AsyncClient, email: str = "admin@example.com") -> TestUser:
    admin = await create_user(client, email, first_name="Ad", last_name="Min")
    await make_role(admin.id, "admin")
    return admin


async def role_and_status(user_id: str) -> tuple[Role, UserStatus]:
    user = await User.get(id=user_id)
    return user.role, user.status


async def refresh(client: httpx.AsyncClient, refresh_token: str) -> httpx.Response:
    return await client.post(f"{API}/auth/refresh", json={"refresh_token": refresh_token})


async def signin_response(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await client.post(f"{API}/auth/signin", json={"email": email, "password": PASSWORD})


# --- who may administer -------------------------------------------------------------------


@pytest.mark.parametrize("actor_role", ["user", "moderator"])
async def test_non_admins_are_forbidden(client: httpx.AsyncClient, actor_role: str) -> None:
    actor = await create_user(client, "actor@example.com")
    await make_role(actor.id, actor_role)
    target = await create_user(client, "target@example.com")

    for body in ({"role": "admin"}, {"status": "BANNED"}):
        response = await administer(client, actor, target.id, body)

        assert_error(response, 403, "forbidden")
    assert await role_and_status(target.id) == (Role.USER, UserStatus.ACTIVE)
    assert await role_and_status(actor.id) == (Role(actor_role), UserStatus.ACTIVE)
    assert await outbox_rows("user_updated") == []
    assert await outbox_rows("user_tokens_revoked") == []
    assert (await client.get(f"{API}/users/me", headers=target.headers)).status_code == 200


async def test_a_user_cannot_promote_themselves(client: httpx.AsyncClient) -> None:
    user = await create_user(client, "user@example.com")

    response = await administer(client, user, user.id, {"role": "admin"})

    assert_error(response, 403, "forbidden")
    assert await role_and_status(user.id) == (Role.USER, UserStatus.ACTIVE)


async def test_administer_without_token_is_401(client: httpx.AsyncClient) -> None:
    target = await create_user(client, "target@example.com")

    response = await client.patch(f"{API}/admin/users/{target.id}", json={"status": "BANNED"})

    assert_error(response, 401)
    assert await role_and_status(target.id) == (Role.USER, UserStatus.ACTIVE)


async def test_a_demoted_admin_loses_access_at_once(client: httpx.AsyncClient) -> None:
    admin = await make_admin(client)
    target = await create_user(client, "target@example.com")
    await make_role(admin.id, "user")

    response = await administer(client, admin, target.id, {"role": "moderator"})

    assert_error(response, 403, "forbidden")
    assert await role_and_status(target.id) == (Role.USER, UserStatus.ACTIVE)


# --- role changes -------------------------------------------------------------------------


async def test_admin_changes_a_role(
    client: httpx.AsyncClient,
    redis: Redis,
    settings: AuthSettings,
    contracts: ContractValidator,
) -> None:
    admin = await make_admin(client)
    target = await create_user(
        client, "target@example.com", first_name="Tar", last_name="Get", interests=["NEWS"]
    )

    response = await administer(client, admin, target.id, {"role": "moderator"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == target.id
    assert body["email"] == "target@example.com"
    assert (body["role"], body["status"]) == ("moderator", "ACTIVE")
    assert await role_and_status(target.id) == (Role.MODERATOR, UserStatus.ACTIVE)

    expected_data = {
        "user_id": target.id,
        "first_name": "Tar",
        "last_name": "Get",
        "interests": ["NEWS"],
        "role": "moderator",
        "status": "ACTIVE",
        "is_verified": False,
        "changed": ["role"],
    }
    [row] = await outbox_rows("user_updated")
    assert row.data == expected_data
    assert await outbox_rows("user_tokens_revoked") == []

    [envelope] = await relay_and_read(redis, settings.database_url, "user_updated")
    contracts.validate(envelope)
    assert envelope.data == expected_data
    # A role change does not end sessions.
    me = await client.get(f"{API}/users/me", headers=target.headers)
    assert me.status_code == 200, me.text
    assert me.json()["role"] == "moderator"


async def test_admin_changes_role_and_status_together(client: httpx.AsyncClient) -> None:
    admin = await make_admin(client)
    target = await create_user(client, "target@example.com")

    response = await administer(client, admin, target.id, {"role": "moderator", "status": "MUTED"})

    assert response.status_code == 200, response.text
    assert (response.json()["role"], response.json()["status"]) == ("moderator", "MUTED")
    assert await role_and_status(target.id) == (Role.MODERATOR, UserStatus.MUTED)
    [row] = await outbox_rows("user_updated")
    assert row.data["changed"] == ["role", "status"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="empty"),
        pytest.param({"role": "user"}, id="same-role"),
        pytest.param({"status": "ACTIVE"}, id="same-status"),
        pytest.param({"role": None, "status": None}, id="nulls"),
    ],
)
async def test_admin_no_op_changes_nothing(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    admin = await make_admin(client)
    target = await create_user(client, "target@example.com")
    updated_at = (await User.get(id=target.id)).updated_at

    response = await administer(client, admin, target.id, body)

    assert response.status_code == 200, response.text
    assert (response.json()["role"], response.json()["status"]) == ("user", "ACTIVE")
    assert (await User.get(id=target.id)).updated_at == updated_at
    assert await outbox_rows("user_updated") == []
    assert await outbox_rows("user_tokens_revoked") == []


# --- status changes -----------------------------------------------------------------------


async def test_ban_ends_every_session_and_blocks_sign_in(
    client: httpx.AsyncClient,
    redis: Redis,
    settings: AuthSettings,
    contracts: ContractValidator,
) -> None:
    admin = await make_admin(client)
    target = await create_user(client, "target@example.com")
    second_device = await signin_response(client, "target@example.com")
    assert second_device.status_code == 200, second_device.text
    assert await AuthSession.filter(user_id=target.id, revoked_at=None).count() == 2

    response = await administer(client, admin, target.id, {"status": "BANNED"})

    assert response.status_code == 200, response.text
    assert (response.json()["id"], response.json()["status"]) == (target.id, "BANNED")
    assert await role_and_status(target.id) == (Role.USER, UserStatus.BANNED)
    sessions = await AuthSession.filter(user_id=target.id)
    assert len(sessions) == 2
    assert all(s.revoked_at is not None for s in sessions)
    assert {s.revoked_reason for s in sessions} == {"status_banned"}

    assert_error(await client.get(f"{API}/users/me", headers=target.headers), 401)
    assert_error(await refresh(client, target.refresh_token), 401)
    assert_error(await refresh(client, second_device.json()["refresh_token"]), 401)
    assert_error(await signin_response(client, "target@example.com"), 403, "account_blocked")
    assert await AuthSession.filter(user_id=target.id, revoked_at=None).count() == 0

    [updated_row] = await outbox_rows("user_updated")
    assert updated_row.data["changed"] == ["status"]
    assert updated_row.data["status"] == "BANNED"
    [revoked_row] = await outbox_rows("user_tokens_revoked")
    assert revoked_row.data == {
        "user_id": target.id,
        "reason": "status_banned",
        "session_id": None,
    }

    updated = await relay_and_read(redis, settings.database_url, "user_updated")
    revoked = await read_events(redis, "user_tokens_revoked")
    assert [e.data["changed"] for e in updated] == [["status"]]
    assert [e.data["reason"] for e in revoked] == ["status_banned"]
    for envelope in [*updated, *revoked]:
        contracts.validate(envelope)


async def test_ban_leaves_other_users_sessions_alone(client: httpx.AsyncClient) -> None:
    admin = await make_admin(client)
    target = await create_user(client, "target@example.com")
    bystander = await create_user(client, "bystander@example.com")

    response = await administer(client, admin, target.id, {"status": "BANNED"})

    assert response.status_code == 200, response.text
    assert (await client.get(f"{API}/users/me", headers=bystander.headers)).status_code == 200
    assert (await client.get(f"{API}/users/me", headers=admin.headers)).status_code == 200
    assert await AuthSession.filter(user_id=bystander.id, revoked_at=None).count() == 1


async def test_deactivation_ends_sessions_with_its_own_reason(
    client: httpx.AsyncClient,
    redis: Redis,
    settings: AuthSettings,
    contracts: ContractValidator,
) -> None:
    admin = await make_admin(client)
    target = await create_user(client, "target@example.com")

    response = await administer(client, admin, target.id, {"status": "INACTIVE"})

    assert response.status_code == 200, response.text
    assert await role_and_status(target.id) == (Role.USER, UserStatus.INACTIVE)
    assert_error(await client.get(f"{API}/users/me", headers=target.headers), 401)
    assert_error(await refresh(client, target.refresh_token), 401)
    assert_error(await signin_response(client, "target@example.com"), 403, "account_blocked")
    [revoked] = await relay_and_read(redis, settings.database_url, "user_tokens_revoked")
    assert revoked.data["reason"] == "status_inactive"
    contracts.validate(revoked)


async def test_mute_keeps_tokens_working(
    client: httpx.AsyncClient,
    redis: Redis,
    settings: AuthSettings,
    contracts: ContractValidator,
) -> None:
    admin = await make_admin(client)
    target = await create_user(client, "target@example.com")

    response = await administer(client, admin, target.id, {"status": "MUTED"})

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "MUTED"
    assert await role_and_status(target.id) == (Role.USER, UserStatus.MUTED)
    assert await AuthSession.filter(user_id=target.id, revoked_at=None).count() == 1

    me = await client.get(f"{API}/users/me", headers=target.headers)
    assert me.status_code == 200, me.text
    assert me.json()["status"] == "MUTED"
    rotated = await refresh(client, target.refresh_token)
    assert rotated.status_code == 200, rotated.text
    assert (await signin_response(client, "target@example.com")).status_code == 200

    assert await outbox_rows("user_tokens_revoked") == []
    [envelope] = await relay_and_read(redis, settings.database_url, "user_updated")
    contracts.validate(envelope)
    assert (envelope.data["changed"], envelope.data["status"]) == (["status"], "MUTED")


async def test_unban_restores_sign_in(client: httpx.AsyncClient) -> None:
    admin = await make_admin(client)
    target = await create_user(client, "target@example.com")
    assert (await administer(client, admin, target.id, {"status": "BANNED"})).status_code == 200

    response = await administer(client, admin, target.id, {"status": "ACTIVE"})

    assert response.status_code == 200, response.text
    assert await role_and_status(target.id) == (Role.USER, UserStatus.ACTIVE)
    assert (await signin_response(client, "target@example.com")).status_code == 200
    # The sessions ended by the ban stay ended.
    assert_error(await client.get(f"{API}/users/me", headers=target.headers), 401)
    assert [row.data["changed"] for row in await outbox_rows("user_updated")] == [
        ["status"],
        ["status"],
    ]


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"role": "user"}, id="demote-to-user"),
        pytest.param({"role": "moderator"}, id="demote-to-moderator"),
        pytest.param({"status": "BANNED"}, id="ban"),
        pytest.param({"status": "MUTED"}, id="mute"),
        pytest.param({"status": "INACTIVE"}, id="deactivate"),
    ],
)
async def test_admin_cannot_demote_or_block_themselves(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    admin = await make_admin(client)

    response = await administer(client, admin, admin.id, body)

    assert_error(response, 400, "self_demotion")
    assert await role_and_status(admin.id) == (Role.ADMIN, UserStatus.ACTIVE)
    assert await AuthSession.filter(user_id=admin.id, revoked_at=None).count() == 1
    assert (await client.get(f"{API}/users/me", headers=admin.headers)).status_code == 200
    assert await outbox_rows("user_updated") == []
    assert await outbox_rows("user_tokens_revoked") == []


async def test_admin_may_demote_another_admin(client: httpx.AsyncClient) -> None:
    admin = await make_admin(client)
    other_admin = await make_admin(client, "other-admin@example.com")

    response = await administer(client, admin, other_admin.id, {"role": "user"})

    assert response.status_code == 200, response.text
    assert await role_and_status(other_admin.id) == (Role.USER, UserStatus.ACTIVE)


async def test_administer_unknown_user_is_404(client: httpx.AsyncClient) -> None:
    admin = await make_admin(client)

    response = await administer(client, admin, str(uuid.uuid4()), {"status": "BANNED"})

    assert_error(response, 404, "user_not_found")
    assert await outbox_rows("user_updated") == []


async def test_administer_malformed_id_is_422(client: httpx.AsyncClient) -> None:
    admin = await make_admin(client)

    response = await administer(client, admin, "not-a-uuid", {"status": "BANNED"})

    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"role": "superuser"}, id="unknown-role"),
        pytest.param({"role": "ADMIN"}, id="role-wrong-case"),
        pytest.param({"status": "DELETED"}, id="unknown-status"),
        pytest.param({"status": "banned"}, id="status-wrong-case"),
        pytest.param({"email": "new@example.com"}, id="unknown-field-email"),
        pytest.param({"role": "moderator", "is_verified": True}, id="unknown-field-alongside"),
        pytest.param(["role", "admin"], id="not-an-object"),
    ],
)
async def test_administer_invalid_body_is_422(client: httpx.AsyncClient, body: Any) -> None:
    admin = await make_admin(client)
    target = await create_user(client, "target@example.com")

    response = await administer(client, admin, target.id, body)

    assert_error(response, 422, "validation_error")
    target_row = await User.get(id=target.id)
    assert (target_row.role, target_row.status) == (Role.USER, UserStatus.ACTIVE)
    assert (target_row.email, target_row.is_verified) == ("target@example.com", False)
    assert await outbox_rows("user_updated") == []
