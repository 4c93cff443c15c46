"""This service's copy of users and connections. Runs inside the caller's transaction.

Each user event carries the whole public state of the user, so the newest one (by the event's
``occurred_at``) simply wins; an older one arriving late is ignored. A deleted user stays as a
tombstone, so nothing brings them back.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from tortoise import connections

from engagement_service.activity.service import lock_shared, user_key
from engagement_service.users.models import User


def _conn() -> Any:
    return connections.get("default")


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
) -> bool:
    """Create or update the user (and so their profile) if this news is newer; returns
    whether anything was written."""
    rows = await _conn().execute_query_dict(
        "INSERT INTO engagement_user (id, first_name, last_name, interests, role, status, "
        "is_verified, version_at, score_raw, score, level, created_at) "
        "VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, 0, 0, 'ISOLATED', now()) "
        "ON CONFLICT (id) DO UPDATE SET first_name = EXCLUDED.first_name, "
        "last_name = EXCLUDED.last_name, interests = EXCLUDED.interests, role = EXCLUDED.role, "
        "status = EXCLUDED.status, is_verified = EXCLUDED.is_verified, "
        "version_at = EXCLUDED.version_at "
        "WHERE engagement_user.deleted_at IS NULL AND engagement_user.version_at < $8 "
        "RETURNING id",
        [user_id, first_name, last_name, json.dumps(interests), role, status, is_verified, at],
    )
    return bool(rows)


async def tombstone_user(*, user_id: uuid.UUID, now: datetime) -> bool:
    """Mark the user deleted and clear what we knew of them; returns False if already so."""
    rows = await _conn().execute_query_dict(
        "INSERT INTO engagement_user (id, first_name, last_name, interests, role, status, "
        "is_verified, version_at, deleted_at, score_raw, score, level, created_at) "
        "VALUES ($1, '', '', '[]'::jsonb, 'user', 'INACTIVE', false, $2, $2, 0, 0, 'ISOLATED', $2) "
        "ON CONFLICT (id) DO UPDATE SET first_name = '', last_name = '', interests = '[]'::jsonb, "
        "deleted_at = $2, score_raw = 0, score = 0, level = 'ISOLATED', score_updated_at = NULL "
        "WHERE engagement_user.deleted_at IS NULL RETURNING id",
        [user_id, now],
    )
    return bool(rows)


async def get_user(user_id: uuid.UUID) -> User | None:
    return await User.get_or_none(id=user_id)


async def users_by_id(user_ids: set[uuid.UUID]) -> dict[uuid.UUID, User]:
    if not user_ids:
        return {}
    return {u.id: u for u in await User.filter(id__in=list(user_ids))}


async def is_deleted(*user_ids: uuid.UUID) -> bool:
    return await User.filter(id__in=list(user_ids), deleted_at__not_isnull=True).exists()


async def set_connection(
    *, user_id: uuid.UUID, other_id: uuid.UUID, connected: bool, at: datetime
) -> bool:
    """Record a connect or disconnect (both directions) if it is newer than what we hold;
    returns whether the pair's state changed."""
    if user_id == other_id:
        return False
    # Shared with other writers about these users, exclusive with their deletion.
    await lock_shared(user_key(user_id), user_key(other_id))
    if await is_deleted(user_id, other_id):
        return False
    low, high = sorted((user_id, other_id))
    # Lower id first in both statements, so two handlers of one pair cannot deadlock.
    before = await _conn().execute_query_dict(
        "SELECT connected FROM engagement_connection WHERE user_id = $1 AND other_id = $2 "
        "FOR UPDATE",
        [low, high],
    )
    rows = await _conn().execute_query_dict(
        "INSERT INTO engagement_connection (user_id, other_id, connected, changed_at) "
        "VALUES ($1, $2, $3, $4), ($2, $1, $3, $4) "
        "ON CONFLICT (user_id, other_id) DO UPDATE SET connected = EXCLUDED.connected, "
        "changed_at = EXCLUDED.changed_at WHERE engagement_connection.changed_at < $4 "
        "RETURNING user_id",
        [low, high, connected, at],
    )
    if not rows:
        return False
    was_connected = bool(before and before[0]["connected"])
    return was_connected != connected


async def forget_connections(*, user_id: uuid.UUID) -> list[uuid.UUID]:
    """Drop every connection row of a deleted user; returns who was connected to them."""
    rows = await _conn().execute_query_dict(
        "DELETE FROM engagement_connection WHERE user_id = $1 OR other_id = $1 "
        "RETURNING user_id, other_id, connected",
        [user_id],
    )
    return sorted(
        {row["other_id"] for row in rows if row["user_id"] == user_id and row["connected"]}
    )
