"""The rules of profiles, connections and administration (``users.rules``), without a
database: users are built in memory and never saved."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from auth_service.users.models import Role, User, UserStatus
from auth_service.users.rules import (
    MAX_SEARCH_WORDS,
    administration_changes,
    can_connect_to,
    changed_fields,
    connection_event_data,
    connection_pair,
    refuse_self_connection,
    revocation_reason,
    search_words,
    user_event_data,
)
from chassis.errors import BadRequest


def user(**fields: Any) -> User:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "email": "ada@example.com",
        "password_hash": "argon2-hash",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "interests": ["SCIENCE"],
        **fields,
    }
    return User(**values)


# --- what other services learn --------------------------------------------------------------


def test_user_events_carry_no_email_and_no_credentials() -> None:
    ada = user(role=Role.MODERATOR, status=UserStatus.MUTED, is_verified=True)
    assert user_event_data(ada) == {
        "user_id": str(ada.id),
        "first_name": "Ada",
        "last_name": "Lovelace",
        "interests": ["SCIENCE"],
        "role": "moderator",
        "status": "MUTED",
        "is_verified": True,
    }
    assert user_event_data(ada, changed=["role"])["changed"] == ["role"]


def test_connection_events_carry_both_counters() -> None:
    a, b = user(total_connections=3), user(total_connections=1)
    assert connection_event_data(a, b) == {
        "user_id": str(a.id),
        "other_user_id": str(b.id),
        "user_total_connections": 3,
        "other_total_connections": 1,
    }


# --- profiles -------------------------------------------------------------------------------


def test_only_fields_whose_value_differs_are_changed() -> None:
    ada = user()
    assert changed_fields(ada, {"first_name": "Ada", "interests": ["SCIENCE"]}) == []
    assert changed_fields(ada, {"first_name": "Ada", "last_name": "Byron"}) == ["last_name"]
    assert changed_fields(ada, {"interests": ["ART", "SCIENCE"]}) == ["interests"]


def test_a_search_uses_its_first_words_only() -> None:
    assert search_words(None) == []
    assert search_words("   ") == []
    assert search_words(" ada  love ") == ["ada", "love"]
    many = " ".join(f"w{i}" for i in range(MAX_SEARCH_WORDS + 3))
    assert search_words(many) == [f"w{i}" for i in range(MAX_SEARCH_WORDS)]


# --- connections ----------------------------------------------------------------------------


def test_nobody_connects_to_or_disconnects_from_themselves() -> None:
    me = uuid.uuid4()
    with pytest.raises(BadRequest, match="connect to yourself") as refused:
        refuse_self_connection(me, me, verb="connect to")
    assert refused.value.code == "self_connection"
    with pytest.raises(BadRequest, match="disconnect from yourself"):
        refuse_self_connection(me, me, verb="disconnect from")
    refuse_self_connection(me, uuid.uuid4(), verb="connect to")


def test_banned_users_cannot_be_connected_to() -> None:
    assert {s for s in UserStatus if can_connect_to(user(status=s))} == {
        UserStatus.ACTIVE,
        UserStatus.INACTIVE,
        UserStatus.MUTED,
    }


def test_a_pair_is_always_taken_lower_id_first() -> None:
    a, b = sorted([uuid.uuid4(), uuid.uuid4()])
    assert connection_pair(a, b) == connection_pair(b, a) == (a, b)


# --- administration -------------------------------------------------------------------------


def test_an_admin_changes_only_what_differs() -> None:
    admin_id = uuid.uuid4()
    target = user(role=Role.USER, status=UserStatus.ACTIVE)
    assert (
        administration_changes(
            admin_id=admin_id, target=target, role=Role.USER, status=UserStatus.ACTIVE
        )
        == {}
    )
    assert administration_changes(
        admin_id=admin_id, target=target, role=Role.MODERATOR, status=None
    ) == {"role": Role.MODERATOR}
    assert administration_changes(
        admin_id=admin_id, target=target, role=Role.USER, status=UserStatus.BANNED
    ) == {"status": UserStatus.BANNED}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.USER, None),
        (Role.MODERATOR, None),
        (None, UserStatus.MUTED),
        (None, UserStatus.BANNED),
        (None, UserStatus.INACTIVE),
        (Role.ADMIN, UserStatus.BANNED),
    ],
)
def test_admins_cannot_demote_mute_or_ban_themselves(
    role: Role | None, status: UserStatus | None
) -> None:
    admin = user(role=Role.ADMIN)
    with pytest.raises(BadRequest) as refused:
        administration_changes(admin_id=admin.id, target=admin, role=role, status=status)
    assert refused.value.code == "self_demotion"


def test_an_admin_may_send_their_own_unchanged_role_and_status() -> None:
    admin = user(role=Role.ADMIN)
    changes = administration_changes(
        admin_id=admin.id, target=admin, role=Role.ADMIN, status=UserStatus.ACTIVE
    )
    assert changes == {}


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"status": UserStatus.BANNED}, "status_banned"),
        ({"status": UserStatus.INACTIVE, "role": Role.USER}, "status_inactive"),
        ({"status": UserStatus.MUTED}, None),
        ({"status": UserStatus.ACTIVE}, None),
        ({"role": Role.MODERATOR}, None),
        ({}, None),
    ],
)
def test_a_ban_or_a_deactivation_ends_the_sessions_a_mute_does_not(
    changes: dict[str, Role | UserStatus], reason: str | None
) -> None:
    assert revocation_reason(changes) == reason
