"""Every statement on the users projection (``interaction_user``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from tortoise import connections

from interaction_service.users.models import User


async def insert_user_if_missing(
    *, user_id: uuid.UUID, first_name: str, last_name: str, status: str
) -> None:
    await connections.get("default").execute_query(
        "INSERT INTO interaction_user (id, first_name, last_name, status, updated_at) "
        "VALUES ($1, $2, $3, $4, now()) ON CONFLICT (id) DO NOTHING",
        [user_id, first_name, last_name, status],
    )


async def share_lock_live_user(user_id: uuid.UUID) -> bool:
    """Hold the user's row ``FOR SHARE`` until commit; True when it is a live account (the row
    exists and is not a tombstone)."""
    rows = await connections.get("default").execute_query_dict(
        "SELECT deleted_at FROM interaction_user WHERE id = $1 FOR SHARE", [user_id]
    )
    return bool(rows) and rows[0]["deleted_at"] is None


async def upsert_user_state(
    *,
    user_id: uuid.UUID,
    first_name: str,
    last_name: str,
    status: str,
    occurred_at: datetime,
) -> None:
    """Insert or replace the user's display data, except over a tombstone or a newer state."""
    await connections.get("default").execute_query(
        "INSERT INTO interaction_user "
        "(id, first_name, last_name, status, event_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, now()) "
        "ON CONFLICT (id) DO UPDATE SET first_name = EXCLUDED.first_name, "
        "last_name = EXCLUDED.last_name, status = EXCLUDED.status, "
        "event_at = EXCLUDED.event_at, updated_at = now() "
        "WHERE interaction_user.deleted_at IS NULL AND ("
        "interaction_user.event_at IS NULL OR interaction_user.event_at <= EXCLUDED.event_at)",
        [user_id, first_name, last_name, status, occurred_at],
    )


async def upsert_tombstone(*, user_id: uuid.UUID, deleted_at: datetime) -> None:
    """Erase the names and mark the account deleted (keeping the first ``deleted_at``),
    creating the row if needed; waits for every transaction that holds the row."""
    await connections.get("default").execute_query(
        "INSERT INTO interaction_user "
        "(id, first_name, last_name, status, deleted_at, updated_at) "
        "VALUES ($1, '', '', 'DELETED', $2, now()) "
        "ON CONFLICT (id) DO UPDATE SET first_name = '', last_name = '', "
        "status = 'DELETED', deleted_at = COALESCE(interaction_user.deleted_at, $2), "
        "updated_at = now()",
        [user_id, deleted_at],
    )


async def users_by_id(user_ids: Iterable[uuid.UUID]) -> list[User]:
    return await User.filter(id__in=set(user_ids))
