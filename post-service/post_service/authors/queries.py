"""Every database statement of the user projection: authors, connections, tombstones."""

from __future__ import annotations

import uuid
from datetime import datetime

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from post_service.authors.models import Author, DeletedUser


def _db() -> BaseDBAsyncClient:
    return connections.get("default")


async def advisory_lock(key: int) -> None:
    """A transaction-scoped advisory lock (released at commit or rollback)."""
    await _db().execute_query("SELECT pg_advisory_xact_lock($1)", [key])


async def is_deleted(user_id: uuid.UUID) -> bool:
    return await DeletedUser.exists(user_id=user_id)


async def insert_tombstone(user_id: uuid.UUID, *, at: datetime) -> None:
    await DeletedUser.bulk_create(
        [DeletedUser(user_id=user_id, deleted_at=at)], ignore_conflicts=True
    )


async def author_of(user_id: uuid.UUID) -> Author:
    return await Author.get(id=user_id)


async def insert_author_from_token(
    *, user_id: uuid.UUID, first_name: str, last_name: str, status: str, total_connections: int
) -> None:
    """The author row if no user event made one; names filled in if only a connection event
    made a placeholder (no names, never synced)."""
    await _db().execute_query(
        "INSERT INTO post_author (id, first_name, last_name, status, total_connections) "
        "VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (id) DO UPDATE SET first_name = EXCLUDED.first_name, "
        "last_name = EXCLUDED.last_name "
        "WHERE post_author.profile_synced_at IS NULL AND post_author.first_name = ''",
        [user_id, first_name, last_name, status, total_connections],
    )


async def upsert_profile(
    *, user_id: uuid.UUID, first_name: str, last_name: str, status: str, at: datetime
) -> bool:
    """Names and status, unless a newer profile event set them; whether the row changed."""
    rows = await _db().execute_query_dict(
        "INSERT INTO post_author (id, first_name, last_name, status, total_connections, "
        "profile_synced_at) VALUES ($1, $2, $3, $4, 0, $5) "
        "ON CONFLICT (id) DO UPDATE SET first_name = EXCLUDED.first_name, "
        "last_name = EXCLUDED.last_name, status = EXCLUDED.status, "
        "profile_synced_at = EXCLUDED.profile_synced_at "
        "WHERE post_author.profile_synced_at IS NULL "
        "OR post_author.profile_synced_at < EXCLUDED.profile_synced_at RETURNING id",
        [user_id, first_name, last_name, status, at],
    )
    return bool(rows)


async def upsert_connection_pair(
    low: uuid.UUID, high: uuid.UUID, *, connected: bool, at: datetime
) -> bool:
    """Both directions of a connection, unless a newer event set them; whether they changed."""
    rows = await _db().execute_query_dict(
        "INSERT INTO post_connection (user_id, other_id, connected, changed_at) "
        "VALUES ($1, $2, $3, $4), ($2, $1, $3, $4) "
        "ON CONFLICT (user_id, other_id) DO UPDATE SET connected = EXCLUDED.connected, "
        "changed_at = EXCLUDED.changed_at "
        "WHERE post_connection.changed_at < EXCLUDED.changed_at RETURNING id",
        [low, high, connected, at],
    )
    return bool(rows)


async def upsert_connection_total(author_id: uuid.UUID, *, total: int, at: datetime) -> None:
    """An author's connection total (a placeholder author if none yet), unless newer."""
    await _db().execute_query(
        "INSERT INTO post_author (id, first_name, last_name, status, total_connections, "
        "connections_synced_at) VALUES ($1, '', '', 'ACTIVE', $2, $3) "
        "ON CONFLICT (id) DO UPDATE SET total_connections = EXCLUDED.total_connections, "
        "connections_synced_at = EXCLUDED.connections_synced_at "
        "WHERE post_author.connections_synced_at IS NULL "
        "OR post_author.connections_synced_at < EXCLUDED.connections_synced_at",
        [author_id, total, at],
    )


async def delete_connections_from(user_id: uuid.UUID) -> list[uuid.UUID]:
    """Drop the user's own rows; the users they were connected to (still connected)."""
    rows = await _db().execute_query_dict(
        "DELETE FROM post_connection WHERE user_id = $1 RETURNING other_id, connected",
        [user_id],
    )
    return [row["other_id"] for row in rows if row["connected"]]


async def decrement_connection_total(author_id: uuid.UUID, *, at: datetime) -> None:
    """One connection fewer, unless a total newer than ``at`` has arrived."""
    await _db().execute_query(
        "UPDATE post_author SET total_connections = GREATEST(total_connections - 1, 0), "
        "connections_synced_at = $2 WHERE id = $1 "
        "AND (connections_synced_at IS NULL OR connections_synced_at < $2)",
        [author_id, at],
    )


async def delete_connections_to(user_id: uuid.UUID) -> None:
    await _db().execute_query("DELETE FROM post_connection WHERE other_id = $1", [user_id])


async def delete_author(user_id: uuid.UUID) -> None:
    await Author.filter(id=user_id).delete()
