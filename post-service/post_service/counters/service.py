"""Exact counters: each comment, reaction and view counts once, by its own id, whatever the
order or number of deliveries.

Every change locks the item's ``post_counted_item`` row (or inserts it) and changes the post's
counters with one atomic ``UPDATE post SET total_x = total_x + 1`` in the same transaction as
the event's ``processed_event`` row. The item decides:

================  ==========================  ==========================  ====================
event             no row yet                  live row                    deleted row
================  ==========================  ==========================  ====================
created           insert live, +1             nothing (duplicate)         nothing (tombstone)
deleted           insert deleted tombstone    mark deleted, -1            nothing
updated           insert live, +1 (it exists) newer type: adjust positive  nothing
================  ==========================  ==========================  ====================

So a delete that arrives before its create nets to zero, and counters never go below zero.
An event for a post this service does not have is recorded, and changes no post.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from post_service.counters.models import ItemKind, ItemState
from post_service.posts.ranking import hot_sql

logger = logging.getLogger("post.counters")

POSITIVE_REACTIONS = frozenset({"LIKE", "LOVE", "FUNNY", "JOY"})

_COUNTER = {
    ItemKind.VIEW: "total_views",
    ItemKind.COMMENT: "total_comments",
    ItemKind.REACTION: "total_reactions",
}

# The hot score over the counters as they are after this change (constants only, no input).
_HOT_AFTER = hot_sql(
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


def is_positive(reaction_type: str) -> bool:
    return reaction_type in POSITIVE_REACTIONS


def _db() -> BaseDBAsyncClient:
    return connections.get("default")


async def _apply(post_id: uuid.UUID, kind: ItemKind, sign: int, positive_delta: int) -> None:
    deltas = {counter: 0 for counter in _COUNTER.values()}
    deltas[_COUNTER[kind]] = sign
    await _db().execute_query(
        _APPLY_SQL,
        [
            post_id,
            deltas["total_views"],
            deltas["total_comments"],
            deltas["total_reactions"],
            positive_delta,
        ],
    )


async def _lock(item_id: uuid.UUID) -> dict[str, Any] | None:
    rows = await _db().execute_query_dict(
        "SELECT post_id, state, positive, changed_at FROM post_counted_item "
        "WHERE item_id = $1 FOR UPDATE",
        [item_id],
    )
    return rows[0] if rows else None


async def _insert(
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


async def record_created(
    *, kind: ItemKind, item_id: uuid.UUID, post_id: uuid.UUID, positive: bool, at: datetime
) -> bool:
    """A comment, reaction or view exists: count it once. Returns whether counters moved."""
    while True:
        if await _lock(item_id) is not None:
            return False  # a duplicate, or a tombstone: its delete already won
        if await _insert(
            item_id, kind=kind, post_id=post_id, state=ItemState.LIVE, positive=positive, at=at
        ):
            await _apply(post_id, kind, +1, +1 if positive else 0)
            return True


async def record_deleted(
    *, kind: ItemKind, item_id: uuid.UUID, post_id: uuid.UUID, at: datetime
) -> bool:
    """A comment or reaction is gone: un-count it once, or leave a tombstone for its create."""
    while True:
        row = await _lock(item_id)
        if row is None:
            if await _insert(
                item_id, kind=kind, post_id=post_id, state=ItemState.DELETED, positive=False, at=at
            ):
                return False
            continue
        if row["state"] != ItemState.LIVE.value:
            return False
        await _db().execute_query(
            "UPDATE post_counted_item SET state = $2, changed_at = $3 WHERE item_id = $1",
            [item_id, ItemState.DELETED.value, at],
        )
        await _apply(row["post_id"], kind, -1, -1 if row["positive"] else 0)
        return True


async def record_changed(
    *, kind: ItemKind, item_id: uuid.UUID, post_id: uuid.UUID, positive: bool, at: datetime
) -> bool:
    """A comment was edited or a reaction changed type. Only whether a reaction is positive
    matters here, and only the newest change (by ``occurred_at``) wins. An update that arrives
    before its create proves the item exists: it is counted now, and the create then finds it."""
    while True:
        row = await _lock(item_id)
        if row is None:
            if await _insert(
                item_id, kind=kind, post_id=post_id, state=ItemState.LIVE, positive=positive, at=at
            ):
                await _apply(post_id, kind, +1, +1 if positive else 0)
                return True
            continue
        if row["state"] != ItemState.LIVE.value or row["changed_at"] >= at:
            return False
        await _db().execute_query(
            "UPDATE post_counted_item SET positive = $2, changed_at = $3 WHERE item_id = $1",
            [item_id, positive, at],
        )
        if row["positive"] == positive:
            return False
        await _apply(row["post_id"], kind, 0, +1 if positive else -1)
        return True


# --- reconciliation -----------------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    post_id: uuid.UUID
    counter: str
    stored: int
    counted: int


_RECONCILE_SQL = """
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

_PAIRS = (
    ("total_views", "counted_views"),
    ("total_comments", "counted_comments"),
    ("total_reactions", "counted_reactions"),
    ("positive_reactions", "counted_positive"),
)


async def reconcile_counters() -> list[Drift]:
    """Compare every post's counters with its live counted items (one consistent snapshot) and
    log each difference. It reports, it does not repair: a drift is a bug to find."""
    rows = await _db().execute_query_dict(_RECONCILE_SQL)
    drifts = [
        Drift(post_id=row["id"], counter=stored, stored=row[stored], counted=row[counted])
        for row in rows
        for stored, counted in _PAIRS
        if row[stored] != row[counted]
    ]
    for drift in drifts:
        logger.warning(
            "counter drift",
            extra={
                "post_id": str(drift.post_id),
                "counter": drift.counter,
                "stored": drift.stored,
                "counted": drift.counted,
            },
        )
    return drifts


async def prune_orphan_items(*, older_than: timedelta) -> int:
    """Items of posts that no longer exist (events that arrived after the post was deleted),
    once they are too old to be waiting for their post."""
    deleted, _ = await _db().execute_query(
        "DELETE FROM post_counted_item i WHERE changed_at < now() - $1::interval "
        "AND NOT EXISTS (SELECT 1 FROM post p WHERE p.id = i.post_id)",
        [older_than],
    )
    return int(deleted)
