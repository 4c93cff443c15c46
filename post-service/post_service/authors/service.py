"""The user projection: authors (names, status, connection totals) and connections.

Every change about one user runs under a transaction-scoped advisory lock on that user's id,
so a deletion, a profile event, a connection event and a post creation for the same user
never interleave: whichever commits first is seen by the next. Each field group keeps the
``occurred_at`` of the event that set it, so a late, older event changes nothing (the
statements in ``queries.py`` compare it).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chassis.tokens import Identity
from post_service.authors import queries
from post_service.authors.models import Author

# The widths of post_author's columns (models.Author).
NAME_MAX = 100
STATUS_MAX = 20


# --- rules --------------------------------------------------------------------------------


def lock_key(user_id: uuid.UUID) -> int:
    """The advisory lock key of a user: the first 8 bytes of the id, as a signed bigint."""
    return int.from_bytes(user_id.bytes[:8], "big", signed=True)


def lock_order(user_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    """Each user once, in one global order, so that two transactions locking the same users
    never wait for each other in a cycle."""
    return sorted(set(user_ids))


def _text_claim(claims: dict[str, Any], name: str, limit: int) -> str:
    value = claims.get(name)
    return value[:limit] if isinstance(value, str) else ""


def author_from_identity(identity: Identity) -> dict[str, Any]:
    """The author row the token check can give before any user event arrived: names cut to
    the columns' widths, a connection total that is never negative."""
    claims = identity.claims
    total = claims.get("total_connections")
    return {
        "user_id": identity.id,
        "first_name": _text_claim(claims, "first_name", NAME_MAX),
        "last_name": _text_claim(claims, "last_name", NAME_MAX),
        "status": identity.status[:STATUS_MAX],
        "total_connections": max(total, 0) if type(total) is int else 0,
    }


def connection_pair(user_id: uuid.UUID, other_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The pair in storage order (lower id first), or None for a user "connected" to
    themselves, which changes nothing."""
    if user_id == other_id:
        return None
    low, high = sorted((user_id, other_id))
    return low, high


# --- changes ------------------------------------------------------------------------------


async def lock_users(*user_ids: uuid.UUID) -> None:
    """Serialise this transaction with every other one touching these users."""
    for user_id in lock_order(user_ids):
        await queries.advisory_lock(lock_key(user_id))


async def is_deleted(user_id: uuid.UUID) -> bool:
    return await queries.is_deleted(user_id)


async def ensure_author(identity: Identity) -> Author:
    """The caller as an author: created from the token check if no user event has arrived
    yet (names filled in if only a connection event had made a placeholder)."""
    await queries.insert_author_from_token(**author_from_identity(identity))
    return await queries.author_of(identity.id)


async def apply_profile(
    *, user_id: uuid.UUID, first_name: str, last_name: str, status: str, at: datetime
) -> bool:
    """``user_registered`` / ``user_updated``: returns whether the projection changed."""
    await lock_users(user_id)
    if await queries.is_deleted(user_id):
        return False
    return await queries.upsert_profile(
        user_id=user_id, first_name=first_name, last_name=last_name, status=status, at=at
    )


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
    pair = connection_pair(user_id, other_id)
    if pair is None:
        return False
    await lock_users(*pair)
    if await queries.is_deleted(user_id) or await queries.is_deleted(other_id):
        return False
    changed = await queries.upsert_connection_pair(*pair, connected=connected, at=at)
    totals = {user_id: user_total, other_id: other_total}
    for author_id in pair:
        await queries.upsert_connection_total(author_id, total=max(totals[author_id], 0), at=at)
    return changed


async def mark_deleted(user_id: uuid.UUID, *, at: datetime) -> None:
    """Tombstone first: from here on, events about this user and posts by them are refused."""
    await lock_users(user_id)
    await queries.insert_tombstone(user_id, at=at)


async def forget_user(user_id: uuid.UUID, *, at: datetime) -> None:
    """Remove the author and their connections. Auth took one off each connected user's total
    without telling anyone, so do the same, unless a newer total has already arrived."""
    others = await queries.delete_connections_from(user_id)
    for other_id in sorted(others):
        await queries.decrement_connection_total(other_id, at=at)
    await queries.delete_connections_to(user_id)
    await queries.delete_author(user_id)
