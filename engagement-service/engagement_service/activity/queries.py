"""Every statement on activity: items (``engagement_activity_item``), posts
(``engagement_post``), counters (``engagement_counter``), the scores on ``engagement_user``, and
the advisory locks that keep concurrent handlers apart.

Hand-written SQL throughout: each write is one atomic statement (an upsert, a conditional
update with RETURNING), which is what keeps repeated and reordered events exact.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tortoise import connections

from engagement_service.activity.rules import COMMENT, DELETED, LIVE, Item

_ITEM_COLUMNS = (
    "item_id, kind, actor_id, owner_id, post_id, parent_id, type, type_at, categories, state, "
    "occurred_at"
)


def _conn() -> Any:
    return connections.get("default")


def _json(value: Any) -> str:
    return json.dumps(value)


# --- locks ----------------------------------------------------------------------------------


async def lock_shared(*keys: str) -> None:
    """Transaction-scoped shared advisory locks, taken in a fixed order."""
    for key in sorted(set(keys)):
        await _conn().execute_query(
            "SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))", [key]
        )


async def lock_exclusive(key: str) -> None:
    """A transaction-scoped exclusive advisory lock (waits for every shared holder)."""
    await _conn().execute_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [key])


# --- counters and popularity ----------------------------------------------------------------


async def add_to_counters(deltas: Sequence[tuple[uuid.UUID, str, int]]) -> None:
    """Add (user, counter, delta) atomically, then clamp those users' counters at zero (never
    negative, even if an event stream was damaged)."""
    users = [d[0] for d in deltas]
    await _conn().execute_query(
        "INSERT INTO engagement_counter (user_id, name, value) "
        "SELECT u, n, v FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS d(u, n, v) "
        "ORDER BY u, n "
        "ON CONFLICT (user_id, name) DO UPDATE "
        "SET value = engagement_counter.value + EXCLUDED.value",
        [users, [d[1] for d in deltas], [d[2] for d in deltas]],
    )
    await _conn().execute_query(
        "UPDATE engagement_counter SET value = 0 WHERE user_id = ANY($1::uuid[]) AND value < 0",
        [sorted(set(users))],
    )


async def add_to_post_counts(deltas: Sequence[tuple[uuid.UUID, int, int, int]]) -> None:
    """Add (post, reactions, comments, views) deltas and recompute the posts' popularity."""
    await _conn().execute_query(
        "UPDATE engagement_post AS p SET "
        "reactions = GREATEST(p.reactions + d.r, 0), "
        "comments = GREATEST(p.comments + d.c, 0), "
        "views = GREATEST(p.views + d.v, 0), "
        "popularity = GREATEST(p.reactions + d.r, 0) * 5 "
        "+ GREATEST(p.comments + d.c, 0) * 10 + GREATEST(p.views + d.v, 0) "
        "FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[]) AS d(id, r, c, v) "
        "WHERE p.id = d.id",
        [[d[0] for d in deltas], [d[1] for d in deltas], [d[2] for d in deltas],
         [d[3] for d in deltas]],
    )  # fmt: skip


async def counters_of(user_id: uuid.UUID) -> dict[str, int]:
    rows = await _conn().execute_query_dict(
        "SELECT name, value FROM engagement_counter WHERE user_id = $1", [user_id]
    )
    return {row["name"]: int(row["value"]) for row in rows}


async def delete_counters(user_id: uuid.UUID) -> None:
    await _conn().execute_query("DELETE FROM engagement_counter WHERE user_id = $1", [user_id])


async def count_connections(user_id: uuid.UUID) -> int:
    rows = await _conn().execute_query_dict(
        "SELECT count(*) AS n FROM engagement_connection WHERE user_id = $1 AND connected",
        [user_id],
    )
    return int(rows[0]["n"])


# --- items ----------------------------------------------------------------------------------


async def post_or_user_gone(post_id: uuid.UUID, user_ids: Sequence[uuid.UUID]) -> bool:
    """Whether the post or one of the users is already deleted (tombstoned)."""
    rows = await _conn().execute_query_dict(
        "SELECT EXISTS (SELECT 1 FROM engagement_post WHERE id = $1 AND deleted_at IS NOT NULL) "
        "OR EXISTS (SELECT 1 FROM engagement_user WHERE id = ANY($2::uuid[]) "
        "AND deleted_at IS NOT NULL) AS gone",
        [post_id, list(set(user_ids))],
    )
    return bool(rows[0]["gone"])


async def insert_item(
    *,
    item_id: uuid.UUID,
    kind: str,
    actor_id: uuid.UUID,
    owner_id: uuid.UUID,
    post_id: uuid.UUID,
    parent_id: uuid.UUID | None,
    type: str | None,
    categories: list[str],
    state: str,
    occurred_at: datetime,
) -> Item | None:
    """Insert the item in ``state``; None when the item is already known (nothing written)."""
    rows = await _conn().execute_query_dict(
        f"INSERT INTO engagement_activity_item ({_ITEM_COLUMNS}) "  # noqa: S608 (fixed names)
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11) "
        f"ON CONFLICT (item_id) DO NOTHING RETURNING {_ITEM_COLUMNS}",
        [item_id, kind, actor_id, owner_id, post_id, parent_id, type,
         occurred_at if type else None, _json(categories), state, occurred_at],
    )  # fmt: skip
    return Item.of(rows[0]) if rows else None


async def delete_live_item(item_id: uuid.UUID) -> Item | None:
    """Flip a live item to deleted; the item if it was live until now."""
    rows = await _conn().execute_query_dict(
        "UPDATE engagement_activity_item SET state = $2 "  # noqa: S608 (fixed names)
        f"WHERE item_id = $1 AND state = $3 RETURNING {_ITEM_COLUMNS}",
        [item_id, DELETED, LIVE],
    )
    return Item.of(rows[0]) if rows else None


async def lock_item(item_id: uuid.UUID) -> tuple[Item, datetime | None] | None:
    """The item and when its reaction type was set, held ``FOR UPDATE`` until commit."""
    rows = await _conn().execute_query_dict(
        f"SELECT {_ITEM_COLUMNS} FROM engagement_activity_item "  # noqa: S608 (fixed names)
        "WHERE item_id = $1 FOR UPDATE",
        [item_id],
    )
    return (Item.of(rows[0]), rows[0]["type_at"]) if rows else None


async def set_reaction_type(item_id: uuid.UUID, *, type: str, at: datetime) -> None:
    await _conn().execute_query(
        "UPDATE engagement_activity_item SET type = $2, type_at = $3 WHERE item_id = $1",
        [item_id, type, at],
    )


async def get_item(item_id: uuid.UUID) -> Item | None:
    rows = await _conn().execute_query_dict(
        f"SELECT {_ITEM_COLUMNS} FROM engagement_activity_item "  # noqa: S608 (fixed names)
        "WHERE item_id = $1",
        [item_id],
    )
    return Item.of(rows[0]) if rows else None


async def live_replies_to(comment_id: uuid.UUID) -> list[Item]:
    rows = await _conn().execute_query_dict(
        f"SELECT {_ITEM_COLUMNS} FROM engagement_activity_item "  # noqa: S608 (fixed names)
        "WHERE parent_id = $1 AND kind = $2 AND state = $3",
        [comment_id, COMMENT, LIVE],
    )
    return [Item.of(row) for row in rows]


async def delete_live_items_of_post(post_id: uuid.UUID) -> list[Item]:
    """Flip every live item on the post to deleted; returns them."""
    return await _delete_live_items("post_id = $1", [post_id])


async def delete_live_items_of_user(user_id: uuid.UUID) -> list[Item]:
    """Flip every live item the user made or received to deleted; returns them."""
    return await _delete_live_items("actor_id = $1 OR owner_id = $1", [user_id])


async def _delete_live_items(where: str, args: list[Any]) -> list[Item]:
    n = len(args) + 1
    rows = await _conn().execute_query_dict(
        f"UPDATE engagement_activity_item SET state = '{DELETED}' "  # noqa: S608 (fixed names)
        f"WHERE ({where}) AND state = ${n} RETURNING {_ITEM_COLUMNS}",
        [*args, LIVE],
    )
    return [Item.of(row) for row in rows]


# --- posts ----------------------------------------------------------------------------------


async def insert_post(
    *,
    post_id: uuid.UUID,
    author_id: uuid.UUID,
    title: str | None,
    categories: list[str],
    status: str,
    created_at: datetime,
    published_at: datetime | None,
    version_at: datetime,
) -> bool:
    """Insert the post with zero counts; False when it is already known."""
    inserted = await _conn().execute_query_dict(
        "INSERT INTO engagement_post (id, author_id, title, categories, status, created_at, "
        "published_at, version_at, reactions, comments, views, popularity) "
        "VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, 0, 0, 0, 0) "
        "ON CONFLICT (id) DO NOTHING RETURNING id",
        [post_id, author_id, title, _json(categories), status, created_at, published_at,
         version_at],
    )  # fmt: skip
    return bool(inserted)


async def count_post_from_items(post_id: uuid.UUID) -> None:
    """Set the post's counts and popularity from its live items (those that arrived before
    the post itself)."""
    await _conn().execute_query(
        "UPDATE engagement_post AS p SET reactions = s.r, comments = s.c, views = s.v, "
        "popularity = s.r * 5 + s.c * 10 + s.v FROM ("
        "SELECT count(*) FILTER (WHERE kind = 'reaction') AS r, "
        "count(*) FILTER (WHERE kind = 'comment') AS c, "
        "count(*) FILTER (WHERE kind = 'view') AS v "
        "FROM engagement_activity_item WHERE post_id = $1 AND state = 'live') AS s "
        "WHERE p.id = $1",
        [post_id],
    )


async def lock_post(post_id: uuid.UUID) -> dict[str, Any] | None:
    """The post's state (author, categories, status, published_at, version_at, deleted_at),
    held ``FOR UPDATE`` until commit."""
    rows = await _conn().execute_query_dict(
        "SELECT author_id, categories, status, published_at, version_at, deleted_at "
        "FROM engagement_post WHERE id = $1 FOR UPDATE",
        [post_id],
    )
    return rows[0] if rows else None


async def update_post(
    post_id: uuid.UUID,
    *,
    title: str | None,
    categories: list[str],
    status: str,
    published_at: datetime | None,
    version_at: datetime,
) -> None:
    await _conn().execute_query(
        "UPDATE engagement_post SET title = $2, categories = $3::jsonb, status = $4, "
        "published_at = $5, version_at = $6 WHERE id = $1",
        [post_id, title, _json(categories), status, published_at, version_at],
    )


async def insert_post_tombstone(
    *, post_id: uuid.UUID, author_id: uuid.UUID, categories: list[str], status: str, at: datetime
) -> bool:
    """A deleted post we never heard of: a tombstone; False when the post is already known."""
    inserted = await _conn().execute_query_dict(
        "INSERT INTO engagement_post (id, author_id, categories, status, created_at, version_at, "
        "deleted_at, reactions, comments, views, popularity) "
        "VALUES ($1, $2, $3::jsonb, $4, $5, $5, $5, 0, 0, 0, 0) "
        "ON CONFLICT (id) DO NOTHING RETURNING id",
        [post_id, author_id, _json(categories), status, at],
    )
    return bool(inserted)


async def tombstone_post(post_id: uuid.UUID, *, at: datetime) -> dict[str, Any] | None:
    """Mark a known post deleted; its state then (author, status, categories, published_at),
    or None if it was deleted already."""
    rows = await _conn().execute_query_dict(
        "UPDATE engagement_post SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL "
        "RETURNING author_id, status, categories, published_at",
        [post_id, at],
    )
    return rows[0] if rows else None


async def tombstone_posts_of(author_id: uuid.UUID, *, at: datetime) -> None:
    await _conn().execute_query(
        "UPDATE engagement_post SET deleted_at = $2 WHERE author_id = $1 AND deleted_at IS NULL",
        [author_id, at],
    )


# --- scores ---------------------------------------------------------------------------------

_RAW_SCORES = """
WITH acts AS (
    SELECT i.actor_id AS uid, i.occurred_at AS at,
           CASE i.kind WHEN 'comment' THEN $3::float8 WHEN 'reaction' THEN $4::float8
                ELSE $5::float8 END AS w
    FROM engagement_activity_item i
    WHERE i.actor_id = ANY($1::uuid[]) AND i.state = 'live' AND i.occurred_at > $2
  UNION ALL
    SELECT i.owner_id, i.occurred_at,
           CASE i.kind WHEN 'comment' THEN $6::float8 WHEN 'reaction' THEN $7::float8
                ELSE $8::float8 END
    FROM engagement_activity_item i
    WHERE i.owner_id = ANY($1::uuid[]) AND i.owner_id <> i.actor_id AND i.state = 'live'
      AND i.occurred_at > $2
  UNION ALL
    SELECT p.author_id, p.published_at, $9::float8
    FROM engagement_post p
    WHERE p.author_id = ANY($1::uuid[]) AND p.deleted_at IS NULL
      AND p.status = 'POSTED' AND p.published_at > $2
  UNION ALL
    SELECT c.user_id, c.changed_at, $10::float8
    FROM engagement_connection c
    WHERE c.user_id = ANY($1::uuid[]) AND c.connected AND c.changed_at > $2
)
SELECT uid,
       sum(w * power(0.5, GREATEST(extract(epoch FROM ($11::timestamptz - at)), 0) / $12::float8))
       AS raw
FROM acts GROUP BY uid
"""


async def raw_scores(
    user_ids: list[uuid.UUID],
    *,
    since: datetime,
    now: datetime,
    made: dict[str, float],
    received: dict[str, float],
    half_life_seconds: float,
) -> dict[uuid.UUID, float]:
    """Each user's decayed sum of weighted actions after ``since`` (absent: none)."""
    rows = await _conn().execute_query_dict(
        _RAW_SCORES,
        [user_ids, since, made["comment"], made["reaction"], made["view"],
         received["comment"], received["reaction"], received["view"], made["post"],
         made["connection"], now, half_life_seconds],
    )  # fmt: skip
    return {row["uid"]: float(row["raw"] or 0.0) for row in rows}


async def lock_stored_scores(
    user_ids: list[uuid.UUID],
) -> list[tuple[uuid.UUID, float, datetime | None]]:
    """(user, stored raw sum, when it was computed) of the undeleted users, in id order,
    held ``FOR UPDATE`` until commit."""
    rows = await _conn().execute_query_dict(
        "SELECT id, score_raw, score_updated_at FROM engagement_user "
        "WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL ORDER BY id FOR UPDATE",
        [user_ids],
    )
    return [(row["id"], row["score_raw"], row["score_updated_at"]) for row in rows]


async def write_scores(
    user_ids: list[uuid.UUID],
    *,
    raws: list[float],
    scores: list[float],
    levels: list[str],
    now: datetime,
) -> int:
    """Store raw sums, scores and levels of the undeleted users; how many were written."""
    updated = await _conn().execute_query_dict(
        "UPDATE engagement_user AS u SET score_raw = d.raw, score = d.score, level = d.level, "
        "score_updated_at = $5 "
        "FROM unnest($1::uuid[], $2::float8[], $3::float8[], $4::text[]) "
        "AS d(id, raw, score, level) "
        "WHERE u.id = d.id AND u.deleted_at IS NULL RETURNING u.id",
        [user_ids, raws, scores, levels, now],
    )
    return len(updated)


async def undeleted_user_ids(*, after: uuid.UUID, limit: int) -> list[uuid.UUID]:
    """Undeleted users with an id above ``after``, in id order (keyset batches)."""
    rows = await _conn().execute_query_dict(
        "SELECT id FROM engagement_user WHERE deleted_at IS NULL AND id > $1 ORDER BY id LIMIT $2",
        [after, limit],
    )
    return [row["id"] for row in rows]
