"""The rules of profiles, connections and account administration, as pure functions.

Nothing here reads or writes the database: ``users.service`` loads what a rule needs
(``users.queries``), asks the rule, and writes what it decided.
"""

from __future__ import annotations

import uuid
from typing import Any

from auth_service.users.models import Role, User, UserStatus
from chassis.errors import BadRequest, NotFound

# INACTIVE and BANNED accounts cannot sign in, and moving an account to one ends its sessions.
BLOCKED_STATUSES = frozenset({UserStatus.BANNED, UserStatus.INACTIVE})
# Banned accounts are gone for everyone else: not listed, not connectable.
HIDDEN_STATUS = UserStatus.BANNED
# A search looks at its first words only, so a long query cannot make a long SQL filter.
MAX_SEARCH_WORDS = 5


def is_blocked(status: UserStatus) -> bool:
    return status in BLOCKED_STATUSES


def user_not_found() -> NotFound:
    return NotFound("User not found", code="user_not_found")


def user_event_data(user: User, *, changed: list[str] | None = None) -> dict[str, Any]:
    """What other services may know of a user: no email, no credentials."""
    data: dict[str, Any] = {
        "user_id": str(user.id),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "interests": list(user.interests),
        "role": user.role.value,
        "status": user.status.value,
        "is_verified": user.is_verified,
    }
    if changed is not None:
        data["changed"] = changed
    return data


# --- profiles -----------------------------------------------------------------------------


def changed_fields(user: User, changes: dict[str, Any]) -> list[str]:
    """The fields of ``changes`` whose value differs from the user's: only those are written
    and announced, so an update that changes nothing emits nothing."""
    return [name for name, value in changes.items() if getattr(user, name) != value]


def search_words(search: str | None) -> list[str]:
    return (search or "").split()[:MAX_SEARCH_WORDS]


# --- connections --------------------------------------------------------------------------


def refuse_self_connection(user_id: uuid.UUID, other_id: uuid.UUID, *, verb: str) -> None:
    """``verb`` is "connect to" or "disconnect from", for the message."""
    if user_id == other_id:
        raise BadRequest(f"You cannot {verb} yourself", code="self_connection")


def can_connect_to(other: User) -> bool:
    return other.status != HIDDEN_STATUS


def connection_pair(a: uuid.UUID, b: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    """The two ids lower first: every writer takes the pair's rows in the same order."""
    low, high = sorted((a, b))
    return low, high


def connection_event_data(user: User, other: User) -> dict[str, Any]:
    return {
        "user_id": str(user.id),
        "other_user_id": str(other.id),
        "user_total_connections": user.total_connections,
        "other_total_connections": other.total_connections,
    }


# --- administration -----------------------------------------------------------------------


def administration_changes(
    *, admin_id: uuid.UUID, target: User, role: Role | None, status: UserStatus | None
) -> dict[str, Role | UserStatus]:
    """What an admin's request changes on ``target``: the role and status that differ from
    the target's. Admins may not demote, mute or ban themselves."""
    if target.id == admin_id and (
        (role is not None and role != Role.ADMIN) or (status not in (None, UserStatus.ACTIVE))
    ):
        raise BadRequest("Admins cannot demote, mute or ban themselves", code="self_demotion")
    changes: dict[str, Role | UserStatus] = {}
    if role is not None and role != target.role:
        changes["role"] = role
    if status is not None and status != target.status:
        changes["status"] = status
    return changes


def revocation_reason(changes: dict[str, Role | UserStatus]) -> str | None:
    """Why the target's sessions end after these changes (a ban or a deactivation), or None
    when they stay (a mute, a role change)."""
    status = changes.get("status")
    if isinstance(status, UserStatus) and is_blocked(status):
        return f"status_{status.value.lower()}"
    return None
