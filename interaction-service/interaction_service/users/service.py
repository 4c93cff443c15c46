"""The users projection. Runs inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from tortoise import connections

from chassis.errors import Forbidden, Unauthorized
from chassis.tokens import Identity
from interaction_service.users.models import User

# Accounts whose writes are refused. BANNED accounts cannot sign in; a token verified just
# before the ban may still be cached for a few seconds.
SILENCED_STATUSES = frozenset({"MUTED", "BANNED"})


def refuse_silenced(user: Identity) -> None:
    if user.status in SILENCED_STATUSES:
        raise Forbidden(
            f"{user.status.capitalize()} accounts cannot write comments",
            code=f"account_{user.status.lower()}",
        )


async def hold_writer(user: Identity) -> uuid.UUID:
    """Inside the unit of work: record the caller if unknown and hold their row until commit.

    ``user_deleted`` updates that row before removing the user's comments and reactions, so a
    write racing the deletion is either removed by it or refused here.
    """
    user_id = uuid.UUID(user.id)
    conn = connections.get("default")
    await conn.execute_query(
        "INSERT INTO interaction_user (id, first_name, last_name, status, updated_at) "
        "VALUES ($1, $2, $3, $4, now()) ON CONFLICT (id) DO NOTHING",
        [user_id, user.first_name[:100], user.last_name[:100], user.status[:20]],
    )
    rows = await conn.execute_query_dict(
        "SELECT deleted_at FROM interaction_user WHERE id = $1 FOR SHARE", [user_id]
    )
    if not rows or rows[0]["deleted_at"] is not None:
        raise Unauthorized("This account was deleted")
    return user_id


async def apply_user_state(
    *,
    user_id: uuid.UUID,
    first_name: str,
    last_name: str,
    status: str,
    occurred_at: datetime,
) -> None:
    """Record a user's display data from ``user_registered`` / ``user_updated``."""
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


async def tombstone_user(*, user_id: uuid.UUID, now: datetime) -> None:
    """Forget the user's names and mark the account deleted; waits for in-flight writes."""
    await connections.get("default").execute_query(
        "INSERT INTO interaction_user "
        "(id, first_name, last_name, status, deleted_at, updated_at) "
        "VALUES ($1, '', '', 'DELETED', $2, now()) "
        "ON CONFLICT (id) DO UPDATE SET first_name = '', last_name = '', "
        "status = 'DELETED', deleted_at = COALESCE(interaction_user.deleted_at, $2), "
        "updated_at = now()",
        [user_id, now],
    )


async def display_names(user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str | None]:
    """Display names of ``user_ids`` (None for unknown or deleted accounts)."""
    ids = set(user_ids)
    if not ids:
        return {}
    users = await User.filter(id__in=ids)
    return {user.id: user.display_name for user in users}
