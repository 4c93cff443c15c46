"""This service's copy of users and connections. Runs inside the caller's transaction.

Each user event carries the whole public state of the user, so the newest one (by the event's
``occurred_at``) simply wins; an older one arriving late is ignored. A deleted user stays as a
tombstone, so nothing brings them back.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from engagement_service.activity import queries as activity_queries
from engagement_service.activity import scores
from engagement_service.activity.rules import user_key
from engagement_service.users import queries
from engagement_service.users.models import User


async def apply_user_state(
    *,
    user_id: uuid.UUID,
    first_name: str,
    last_name: str,
    interests: list[str],
    role: str,
    status: str,
    is_verified: bool,
    at: datetime,
    now: datetime,
) -> bool:
    """Create or update the user (and so their profile) if this news is newer; returns
    whether anything was written. Their score is then recomputed: activity about the user may
    have arrived before the account did."""
    written = await queries.upsert_user_state(
        user_id=user_id,
        first_name=first_name,
        last_name=last_name,
        interests=interests,
        role=role,
        status=status,
        is_verified=is_verified,
        at=at,
    )
    if written:
        await scores.refresh_scores([user_id], now=now)
    return written


async def get_undeleted_user(user_id: uuid.UUID) -> User | None:
    return await queries.get_undeleted_user(user_id)


async def exists(user_id: uuid.UUID) -> bool:
    """Whether the user is known here and not deleted."""
    return await queries.undeleted_user_exists(user_id)


async def users_by_id(user_ids: set[uuid.UUID]) -> dict[uuid.UUID, User]:
    if not user_ids:
        return {}
    return await queries.users_by_id(user_ids)


async def is_deleted(*user_ids: uuid.UUID) -> bool:
    return await queries.any_deleted(list(user_ids))


async def set_connection(
    *, user_id: uuid.UUID, other_id: uuid.UUID, connected: bool, at: datetime, now: datetime
) -> bool:
    """Record a connect or disconnect (both directions) if it is newer than what we hold;
    returns whether the pair's state changed (and then both scores are recomputed)."""
    if user_id == other_id:
        return False
    # Shared with other writers about these users, exclusive with their deletion.
    await activity_queries.lock_shared(user_key(user_id), user_key(other_id))
    if await is_deleted(user_id, other_id):
        return False
    low, high = sorted((user_id, other_id))
    was_connected = bool(await queries.lock_connection(low, high))
    if not await queries.write_connection(low, high, connected=connected, at=at):
        return False
    if was_connected == connected:
        return False
    await scores.refresh_scores([user_id, other_id], now=now)
    return True


async def forget_user(user_id: uuid.UUID, *, now: datetime) -> None:
    """The account is gone: its tombstone, and its connections, whose other ends lost one
    (their scores are recomputed in full: connections are not items)."""
    await activity_queries.lock_exclusive(user_key(user_id))
    await queries.tombstone_user(user_id, at=now)
    rows = await queries.delete_connections(user_id)
    connected = sorted({other for user, other, live in rows if user == user_id and live})
    await scores.refresh_scores(connected, now=now)
