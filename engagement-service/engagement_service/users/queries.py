"""Every statement on this service's copy of users (``engagement_user``) and connections
(``engagement_connection``)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from tortoise import connections

from engagement_service.users.models import User


def _conn() -> Any:
    return connections.get("default")


async def upsert_user_state(
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
    """Insert the user, or overwrite their state if ``at`` is newer and they are not deleted;
    whether a row was written."""
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


async def tombstone_user(user_id: uuid.UUID, *, at: datetime) -> bool:
    """Mark the user deleted and clear what we knew of them (names, interests, score); False
    if they were deleted already."""
    rows = await _conn().execute_query_dict(
        "INSERT INTO engagement_user (id, first_name, last_name, interests, role, status, "
        "is_verified, version_at, deleted_at, score_raw, score, level, created_at) "
        "VALUES ($1, '', '', '[]'::jsonb, 'user', 'INACTIVE', false, $2, $2, 0, 0, 'ISOLATED', $2) "
        "ON CONFLICT (id) DO UPDATE SET first_name = '', last_name = '', interests = '[]'::jsonb, "
        "deleted_at = $2, score_raw = 0, score = 0, level = 'ISOLATED', score_updated_at = NULL "
        "WHERE engagement_user.deleted_at IS NULL RETURNING id",
        [user_id, at],
    )
    return bool(rows)


async def get_undeleted_user(user_id: uuid.UUID) -> User | None:
    return await User.get_or_none(id=user_id, deleted_at__isnull=True)


async def undeleted_user_exists(user_id: uuid.UUID) -> bool:
    return await User.filter(id=user_id, deleted_at__isnull=True).exists()


async def users_by_id(user_ids: set[uuid.UUID]) -> dict[uuid.UUID, User]:
    return {u.id: u for u in await User.filter(id__in=list(user_ids))}


async def any_deleted(user_ids: list[uuid.UUID]) -> bool:
    return await User.filter(id__in=user_ids, deleted_at__not_isnull=True).exists()


async def lock_connection(low: uuid.UUID, high: uuid.UUID) -> bool | None:
    """Whether ``low`` is connected to ``high`` (None: never were), held ``FOR UPDATE``."""
    rows = await _conn().execute_query_dict(
        "SELECT connected FROM engagement_connection WHERE user_id = $1 AND other_id = $2 "
        "FOR UPDATE",
        [low, high],
    )
    return bool(rows[0]["connected"]) if rows else None


async def write_connection(
    low: uuid.UUID, high: uuid.UUID, *, connected: bool, at: datetime
) -> bool:
    """Both directions of the pair, if ``at`` is newer than what is held; whether written.
    The lower id first, as in ``lock_connection``, so two handlers of a pair cannot deadlock."""
    rows = await _conn().execute_query_dict(
        "INSERT INTO engagement_connection (user_id, other_id, connected, changed_at) "
        "VALUES ($1, $2, $3, $4), ($2, $1, $3, $4) "
        "ON CONFLICT (user_id, other_id) DO UPDATE SET connected = EXCLUDED.connected, "
        "changed_at = EXCLUDED.changed_at WHERE engagement_connection.changed_at < $4 "
        "RETURNING user_id",
        [low, high, connected, at],
    )
    return bool(rows)


async def delete_connections(user_id: uuid.UUID) -> list[tuple[uuid.UUID, uuid.UUID, bool]]:
    """Drop every connection row of the user, both directions: (user, other, connected)."""
    rows = await _conn().execute_query_dict(
        "DELETE FROM engagement_connection WHERE user_id = $1 OR other_id = $1 "
        "RETURNING user_id, other_id, connected",
        [user_id],
    )
    return [(row["user_id"], row["other_id"], bool(row["connected"])) for row in rows]
