"""Every database statement of the counters: counted items and the post's counter columns."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from post_service.counters.models import CountedItem, ItemKind, ItemState
from post_service.posts.queries import hot_expression


def _db() -> BaseDBAsyncClient:
    return connections.get("default")


# The hot score over the counters as they are after this change (constants only, no input).
_HOT_AFTER = hot_expression(
    positive="GREATEST(positive_reactions + $5, 0)", comments="GREATEST(total_comments + $3, 0)"
)
_APPLY_SQL = (
    "UPDATE post SET "  # noqa: S608 (constants only)
    "total_views = GREATEST(total_views + $2, 0), "
    "total_comments = GREATEST(total_comments + $3, 0), "
    "total_reactions = GREATEST(total_reactions + $4, 0), "
    "positive_reactions = GREATEST(positive_reactions + $5, 0), "
    f"hot = {_HOT_AFTER} "
    "WHERE id = $1"
)


async def add_to_counters(
    post_id: uuid.UUID, *, views: int, comments: int, reactions: int, positive: int
) -> None:
    """Move the post's counters (never below zero) and its hot score in one statement; a post
    this service does not have is no row, and nothing changes."""
    await _db().execute_query(_APPLY_SQL, [post_id, views, comments, reactions, positive])


async def lock_item(item_id: uuid.UUID) -> dict[str, Any] | None:
    """The item's row, locked until the end of the transaction, or None."""
    rows = await _db().execute_query_dict(
        "SELECT post_id, state, positive, changed_at FROM post_counted_item "
        "WHERE item_id = $1 FOR UPDATE",
        [item_id],
    )
    return rows[0] if rows else None


async def insert_item(
    item_id: uuid.UUID,
    *,
    kind: ItemKind,
    post_id: uuid.UUID,
    state: ItemState,
    positive: bool,
    at: datetime,
) -> bool:
    """Insert the item; False when a concurrent transaction inserted it first (it is then
    committed, and the caller locks and re-reads it)."""
    rows = await _db().execute_query_dict(
        "INSERT INTO post_counted_item (item_id, kind, post_id, state, positive, changed_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (item_id) DO NOTHING RETURNING item_id",
        [item_id, kind.value, post_id, state.value, positive, at],
    )
    return bool(rows)


async def mark_item_deleted(item_id: uuid.UUID, *, at: datetime) -> None:
    await _db().execute_query(
        "UPDATE post_counted_item SET state = $2, changed_at = $3 WHERE item_id = $1",
        [item_id, ItemState.DELETED.value, at],
    )


async def set_item_positive(item_id: uuid.UUID, *, positive: bool, at: datetime) -> None:
    await _db().execute_query(
        "UPDATE post_counted_item SET positive = $2, changed_at = $3 WHERE item_id = $1",
        [item_id, positive, at],
    )


async def delete_items_of_post(post_id: uuid.UUID) -> None:
    await CountedItem.filter(post_id=post_id).delete()


async def prune_orphan_items(*, older_than: timedelta) -> int:
    deleted, _ = await _db().execute_query(
        "DELETE FROM post_counted_item i WHERE changed_at < now() - $1::interval "
        "AND NOT EXISTS (SELECT 1 FROM post p WHERE p.id = i.post_id)",
        [older_than],
    )
    return int(deleted)


_MISMATCHES_SQL = """
WITH live AS (
    SELECT post_id,
           count(*) FILTER (WHERE kind = 'view') AS total_views,
           count(*) FILTER (WHERE kind = 'comment') AS total_comments,
           count(*) FILTER (WHERE kind = 'reaction') AS total_reactions,
           count(*) FILTER (WHERE kind = 'reaction' AND positive) AS positive_reactions
    FROM post_counted_item WHERE state = 'live' GROUP BY post_id
)
SELECT p.id,
       p.total_views, COALESCE(l.total_views, 0) AS counted_views,
       p.total_comments, COALESCE(l.total_comments, 0) AS counted_comments,
       p.total_reactions, COALESCE(l.total_reactions, 0) AS counted_reactions,
       p.positive_reactions, COALESCE(l.positive_reactions, 0) AS counted_positive
FROM post p LEFT JOIN live l ON l.post_id = p.id
WHERE p.total_views <> COALESCE(l.total_views, 0)
   OR p.total_comments <> COALESCE(l.total_comments, 0)
   OR p.total_reactions <> COALESCE(l.total_reactions, 0)
   OR p.positive_reactions <> COALESCE(l.positive_reactions, 0)
ORDER BY p.id
"""


async def counter_mismatches() -> list[dict[str, Any]]:
    """Every post whose stored counters differ from its live counted items (one consistent
    snapshot): ``id``, each stored counter, and each counted one as ``counted_<name>``
    (``counted_views``, ``counted_comments``, ``counted_reactions``, ``counted_positive``)."""
    return await _db().execute_query_dict(_MISMATCHES_SQL)
