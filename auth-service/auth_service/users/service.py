"""Profiles, connections and account administration. Runs inside the caller's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from auth_service.core import events
from auth_service.users.models import Connection, Role, User, UserStatus
from chassis.errors import BadRequest, NotFound
from chassis.pagination import PageParams, keyset_page


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


async def get_user(user_id: uuid.UUID) -> User:
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound("User not found", code="user_not_found")
    return user


async def update_profile(user: User, *, changes: dict[str, Any]) -> User:
    changed = [name for name, value in changes.items() if getattr(user, name) != value]
    if not changed:
        return user
    for name in changed:
        setattr(user, name, changes[name])
    await user.save(update_fields=[*changed, "updated_at"])
    await events.outbox.add(events.USER_UPDATED, user_event_data(user, changed=changed))
    return user


async def delete_account(user: User) -> None:
    """Remove the user and everything personal; connections' counters go down by one."""
    # Lock the row first: a connect racing this delete waits, then fails on the foreign key,
    # instead of adding a connection whose counter nobody would take back.
    await User.filter(id=user.id).select_for_update().first()
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        "DELETE FROM auth_connection WHERE user_id = $1 RETURNING other_id", [user.id]
    )
    others = [row["other_id"] for row in rows]
    if others:
        await User.filter(id__in=others).update(total_connections=F("total_connections") - 1)
    await events.outbox.add(
        events.USER_TOKENS_REVOKED,
        {"user_id": str(user.id), "reason": "account_deleted", "session_id": None},
    )
    await events.outbox.add(events.USER_DELETED, {"user_id": str(user.id)})
    await user.delete()  # sessions, tokens and connections cascade


async def list_users(*, search: str | None, page: PageParams) -> tuple[list[User], str | None]:
    query = User.exclude(status=UserStatus.BANNED)
    for word in (search or "").split()[:5]:
        # icontains escapes LIKE wildcards itself: "%" searches for a percent sign.
        query = query.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return await keyset_page(query, page)


def _connection_event(user: User, other: User) -> dict[str, Any]:
    return {
        "user_id": str(user.id),
        "other_user_id": str(other.id),
        "user_total_connections": user.total_connections,
        "other_total_connections": other.total_connections,
    }


async def connect(user: User, *, other_id: uuid.UUID) -> tuple[User, bool]:
    """Connect two users both ways; returns the other user and whether this created it."""
    if other_id == user.id:
        raise BadRequest("You cannot connect to yourself", code="self_connection")
    other = await get_user(other_id)
    if other.status == UserStatus.BANNED:
        raise NotFound("User not found", code="user_not_found")
    # One statement inserts both directions, so concurrent A→B and B→A cannot double-count;
    # the rows go in a fixed order (lower id first) so the two cannot deadlock either.
    low, high = sorted((user.id, other.id))
    conn = connections.get("default")
    try:
        rows = await conn.execute_query_dict(
            "INSERT INTO auth_connection (user_id, other_id, created_at) "
            "VALUES ($1, $2, now()), ($2, $1, now()) "
            "ON CONFLICT (user_id, other_id) DO NOTHING RETURNING user_id",
            [low, high],
        )
    except IntegrityError as exc:  # the other account was deleted meanwhile
        raise NotFound("User not found", code="user_not_found") from exc
    if not rows:
        return other, False
    gained = [row["user_id"] for row in rows]
    await User.filter(id__in=gained).update(total_connections=F("total_connections") + 1)
    await user.refresh_from_db(fields=["total_connections"])
    await other.refresh_from_db(fields=["total_connections"])
    await events.outbox.add(events.USER_CONNECTED, _connection_event(user, other))
    return other, True


async def disconnect(user: User, *, other_id: uuid.UUID) -> bool:
    """Remove the connection both ways; returns whether there was one. Idempotent."""
    if other_id == user.id:
        raise BadRequest("You cannot disconnect from yourself", code="self_connection")
    other = await get_user(other_id)
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        "DELETE FROM auth_connection WHERE (user_id = $1 AND other_id = $2) "
        "OR (user_id = $2 AND other_id = $1) RETURNING user_id",
        [user.id, other.id],
    )
    if not rows:
        return False
    lost = [row["user_id"] for row in rows]
    await User.filter(id__in=lost).update(total_connections=F("total_connections") - 1)
    await user.refresh_from_db(fields=["total_connections"])
    await other.refresh_from_db(fields=["total_connections"])
    await events.outbox.add(events.USER_DISCONNECTED, _connection_event(user, other))
    return True


async def list_connections(
    user_id: uuid.UUID, *, page: PageParams
) -> tuple[list[Connection], str | None]:
    await get_user(user_id)
    query = Connection.filter(user_id=user_id).select_related("other")
    return await keyset_page(query, page)


async def administer_user(
    admin: User, *, target_id: uuid.UUID, role: Role | None, status: UserStatus | None
) -> tuple[User, bool]:
    """Change a user's role or status; returns the user and whether it must lose its tokens."""
    target = await get_user(target_id)
    if target.id == admin.id and (
        (role is not None and role != Role.ADMIN) or (status not in (None, UserStatus.ACTIVE))
    ):
        raise BadRequest("Admins cannot demote, mute or ban themselves", code="self_demotion")
    changes: dict[str, Any] = {}
    if role is not None and role != target.role:
        changes["role"] = role
    if status is not None and status != target.status:
        changes["status"] = status
    if not changes:
        return target, False
    for name, value in changes.items():
        setattr(target, name, value)
    await target.save(update_fields=[*changes, "updated_at"])
    await events.outbox.add(events.USER_UPDATED, user_event_data(target, changed=list(changes)))
    must_revoke = changes.get("status") in (UserStatus.BANNED, UserStatus.INACTIVE)
    return target, must_revoke
