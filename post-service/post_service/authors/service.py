"""The user projection: authors (names, status, connection totals) and connections.

Every change about one user runs under a transaction-scoped advisory lock on that user's id,
so a deletion, a profile event, a connection event and a post creation for the same user
never interleave: whichever commits first is seen by the next. Each field group keeps the
``occurred_at`` of the event that set it, so a late, older event changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from chassis.tokens import Identity
from post_service.authors.models import Author, DeletedUser


def _db() -> BaseDBAsyncClient:
    return connections.get("default")


def _lock_key(user_id: uuid.UUID) -> int:
    return int.from_bytes(user_id.bytes[:8], "big", signed=True)


async def lock_users(*user_ids: uuid.UUID) -> None:
    """Serialise this transaction with every other one touching these users (sorted: no
    deadlock between two transactions locking the same pair)."""
    for user_id in sorted(set(user_ids)):
        await _db().execute_query("SELECT pg_advisory_xact_lock($1)", [_lock_key(user_id)])


async def is_deleted(user_id: uuid.UUID) -> bool:
    return await DeletedUser.exists(user_id=user_id)


async def ensure_author(identity: Identity) -> Author:
    """The caller as an author: created from the token check if no user event has arrived
    yet (names filled in if only a connection event had made a placeholder)."""
    await _db().execute_query(
        "INSERT INTO post_author (id, first_name, last_name, status, total_connections) "
        "VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (id) DO UPDATE SET first_name = EXCLUDED.first_name, "
        "last_name = EXCLUDED.last_name "
        "WHERE post_author.profile_synced_at IS NULL AND post_author.first_name = ''",
        [
            uuid.UUID(identity.id),
            identity.first_name[:100],
            identity.last_name[:100],
            identity.status[:20],
            max(identity.total_connections, 0),
        ],
    )
    return await Author.get(id=identity.id)


async def apply_profile(
    *, user_id: uuid.UUID, first_name: str, last_name: str, status: str, at: datetime
) -> bool:
    """``user_registered`` / ``user_updated``: returns whether the projection changed."""
    await lock_users(user_id)
    if await is_deleted(user_id):
        return False
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


async def apply_connection(
    *,
    user_id: uuid.UUID,
    other_id: uuid.UUID,
    user_total: int,
    other_total: int,
    connected: bool,
    at: datetime,
) -> bool:
    """``user_connected`` / ``user_disconnected``: both directions and both totals, each only
    if this event is newer than what set it. Returns whether the connection state changed."""
    if user_id == other_id:
        return False
    await lock_users(user_id, other_id)
    if await is_deleted(user_id) or await is_deleted(other_id):
        return False
    low, high = sorted((user_id, other_id))
    rows = await _db().execute_query_dict(
        "INSERT INTO post_connection (user_id, other_id, connected, changed_at) "
        "VALUES ($1, $2, $3, $4), ($2, $1, $3, $4) "
        "ON CONFLICT (user_id, other_id) DO UPDATE SET connected = EXCLUDED.connected, "
        "changed_at = EXCLUDED.changed_at "
        "WHERE post_connection.changed_at < EXCLUDED.changed_at RETURNING id",
        [low, high, connected, at],
    )
    totals = {user_id: user_total, other_id: other_total}
    for author_id in (low, high):
        await _db().execute_query(
            "INSERT INTO post_author (id, first_name, last_name, status, total_connections, "
            "connections_synced_at) VALUES ($1, '', '', 'ACTIVE', $2, $3) "
            "ON CONFLICT (id) DO UPDATE SET total_connections = EXCLUDED.total_connections, "
            "connections_synced_at = EXCLUDED.connections_synced_at "
            "WHERE post_author.connections_synced_at IS NULL "
            "OR post_author.connections_synced_at < EXCLUDED.connections_synced_at",
            [author_id, max(totals[author_id], 0), at],
        )
    return bool(rows)


async def mark_deleted(user_id: uuid.UUID, *, at: datetime) -> None:
    """Tombstone first: from here on, events about this user and posts by them are refused."""
    await lock_users(user_id)
    await DeletedUser.bulk_create(
        [DeletedUser(user_id=user_id, deleted_at=at)], ignore_conflicts=True
    )


async def forget_user(user_id: uuid.UUID, *, at: datetime) -> None:
    """Remove the author and their connections. Auth took one off each connected user's total
    without telling anyone, so do the same, unless a newer total has already arrived."""
    rows = await _db().execute_query_dict(
        "DELETE FROM post_connection WHERE user_id = $1 RETURNING other_id, connected",
        [user_id],
    )
    others = sorted(row["other_id"] for row in rows if row["connected"])
    for other_id in others:
        await _db().execute_query(
            "UPDATE post_author SET total_connections = GREATEST(total_connections - 1, 0), "
            "connections_synced_at = $2 WHERE id = $1 "
            "AND (connections_synced_at IS NULL OR connections_synced_at < $2)",
            [other_id, at],
        )
    await _db().execute_query("DELETE FROM post_connection WHERE other_id = $1", [user_id])
    await Author.filter(id=user_id).delete()
