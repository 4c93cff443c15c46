"""Activity items, post states, counters, interests and the engagement score.

Runs inside the caller's transaction (an event handler's, or a request's). Nothing here
commits. Every counter moves by an atomic increment, and only when an item or a post flips
state, so repeated and reordered events leave the counts exact:

- an item (comment, reaction, counted view) is inserted ``live`` once; it counts then;
- it flips ``live`` to ``deleted`` once; it is uncounted then;
- a delete that comes first inserts it ``deleted``: its create finds it and changes nothing;
- an item whose post, actor or post author is already deleted is inserted ``deleted``.

Concurrent handlers (several replicas) are kept apart by transaction-scoped advisory locks:
an item insert holds its post and its two users in shared mode, the deletion of a post or a
user holds it exclusively, so a create can never slip past the cascade of a delete.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise import connections

from engagement_service.activity import scoring

LIVE = "live"
DELETED = "deleted"
COMMENT, REACTION, VIEW = "comment", "reaction", "view"
# Only a POSTED post is visible to others (DRAFT and ARCHIVED are the author's own).
PUBLIC_STATUSES = ("POSTED",)

_ITEM_COLUMNS = (
    "item_id, kind, actor_id, owner_id, post_id, parent_id, type, type_at, categories, state, "
    "occurred_at"
)


def _conn() -> Any:
    return connections.get("default")


async def lock_shared(*keys: str) -> None:
    """Transaction-scoped shared advisory locks, taken in a fixed order."""
    for key in sorted(set(keys)):
        await _conn().execute_query(
            "SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))", [key]
        )


async def lock_exclusive(key: str) -> None:
    await _conn().execute_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [key])


def post_key(post_id: uuid.UUID) -> str:
    return f"engagement:post:{post_id}"


def user_key(user_id: uuid.UUID) -> str:
    return f"engagement:user:{user_id}"


@dataclass
class Item:
    item_id: uuid.UUID
    kind: str
    actor_id: uuid.UUID
    owner_id: uuid.UUID
    post_id: uuid.UUID
    parent_id: uuid.UUID | None
    type: str | None
    categories: list[str]
    state: str
    occurred_at: datetime

    @classmethod
    def of(cls, row: dict[str, Any]) -> Item:
        categories = row["categories"]
        if isinstance(categories, str):
            categories = json.loads(categories)
        return cls(
            item_id=row["item_id"],
            kind=row["kind"],
            actor_id=row["actor_id"],
            owner_id=row["owner_id"],
            post_id=row["post_id"],
            parent_id=row["parent_id"],
            type=row["type"],
            categories=list(categories),
            state=row["state"],
            occurred_at=row["occurred_at"],
        )


@dataclass
class Tally:
    """Counter and popularity deltas gathered by one handler, applied in two statements."""

    counters: defaultdict[tuple[uuid.UUID, str], int] = field(
        default_factory=lambda: defaultdict(int)
    )
    posts: defaultdict[uuid.UUID, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0])
    )
    # Score changes: (user, signed weight, when the action happened).
    scores: list[tuple[uuid.UUID, float, datetime]] = field(default_factory=list)
    # Users whose score is recomputed in full instead (see ``refresh_scores``).
    refresh: set[uuid.UUID] = field(default_factory=set)
    # Users whose counters are being deleted: nothing is written for them.
    forgotten: set[uuid.UUID] = field(default_factory=set)

    def add(self, user_id: uuid.UUID, name: str, delta: int) -> None:
        self.counters[(user_id, name)] += delta

    def item(self, item: Item, sign: int) -> None:
        actor, owner = item.actor_id, item.owner_id
        received = owner != actor  # self-actions count as made only
        popularity = self.posts[item.post_id]
        points = scoring.INTEREST_POINTS[item.kind] * sign
        self.scores.append((actor, scoring.MADE_WEIGHTS[item.kind] * sign, item.occurred_at))
        if received:
            self.scores.append(
                (owner, scoring.RECEIVED_WEIGHTS[item.kind] * sign, item.occurred_at)
            )
        if item.kind == COMMENT:
            self.add(actor, "comments_made", sign)
            if received:
                self.add(owner, "comments_received", sign)
            popularity[1] += sign
            for category in item.categories:
                self.add(actor, f"interest:{category}", points)
        elif item.kind == REACTION:
            self.add(actor, "reactions_made", sign)
            self.add(actor, f"reactions_made:{item.type}", sign)
            if received:
                self.add(owner, "reactions_received", sign)
                self.add(owner, f"reactions_received:{item.type}", sign)
            popularity[0] += sign
            for category in item.categories:
                self.add(actor, f"interest:{category}", points)
        else:
            self.add(actor, "views_made", sign)
            if received:
                self.add(owner, "views_received", sign)
            popularity[2] += sign
            for category in item.categories:
                self.add(actor, f"interest_view:{category}", points)

    def reaction_type(self, item: Item, old: str, new: str) -> None:
        self.add(item.actor_id, f"reactions_made:{old}", -1)
        self.add(item.actor_id, f"reactions_made:{new}", 1)
        if item.owner_id != item.actor_id:
            self.add(item.owner_id, f"reactions_received:{old}", -1)
            self.add(item.owner_id, f"reactions_received:{new}", 1)

    def post_state(
        self,
        author_id: uuid.UUID,
        status: str,
        categories: Iterable[str],
        published_at: datetime | None,
        sign: int,
    ) -> None:
        self.add(author_id, f"posts:{status}", sign)
        if status in PUBLIC_STATUSES:
            for category in categories:
                self.add(author_id, f"interest:{category}", scoring.INTEREST_POINTS["post"] * sign)
            if published_at is not None:
                self.scores.append((author_id, scoring.MADE_WEIGHTS["post"] * sign, published_at))

    async def apply(self, *, now: datetime) -> None:
        """Write the counters, the posts' popularity and the scores gathered so far."""
        counters = sorted(
            (user, name, delta)
            for (user, name), delta in self.counters.items()
            if delta and user not in self.forgotten
        )
        if counters:
            users = [c[0] for c in counters]
            await _conn().execute_query(
                "INSERT INTO engagement_counter (user_id, name, value) "
                "SELECT u, n, v FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS d(u, n, v) "
                "ORDER BY u, n "
                "ON CONFLICT (user_id, name) DO UPDATE "
                "SET value = engagement_counter.value + EXCLUDED.value",
                [users, [c[1] for c in counters], [c[2] for c in counters]],
            )
            # Never negative, even if an event stream was damaged: clamp before commit.
            await _conn().execute_query(
                "UPDATE engagement_counter SET value = 0 WHERE user_id = ANY($1::uuid[]) "
                "AND value < 0",
                [sorted(set(users))],
            )
        posts = sorted((pid, *deltas) for pid, deltas in self.posts.items() if any(deltas))
        if posts:
            await _conn().execute_query(
                "UPDATE engagement_post AS p SET "
                "reactions = GREATEST(p.reactions + d.r, 0), "
                "comments = GREATEST(p.comments + d.c, 0), "
                "views = GREATEST(p.views + d.v, 0), "
                "popularity = GREATEST(p.reactions + d.r, 0) * 5 "
                "+ GREATEST(p.comments + d.c, 0) * 10 + GREATEST(p.views + d.v, 0) "
                "FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[]) AS d(id, r, c, v) "
                "WHERE p.id = d.id",
                [[p[0] for p in posts], [p[1] for p in posts], [p[2] for p in posts],
                 [p[3] for p in posts]],
            )  # fmt: skip
        self.counters.clear()
        self.posts.clear()
        full = self.refresh - self.forgotten
        deltas: defaultdict[uuid.UUID, float] = defaultdict(float)
        for user, weight, at in self.scores:
            if user not in self.forgotten and user not in full and now - at < scoring.SCORE_WINDOW:
                deltas[user] += weight * scoring.decay(now - at)
        self.scores.clear()
        self.refresh.clear()
        await add_to_scores(deltas, now=now)
        await refresh_scores(full, now=now)


# --- items ----------------------------------------------------------------------------------


async def _gone(post_id: uuid.UUID, user_ids: Iterable[uuid.UUID]) -> bool:
    rows = await _conn().execute_query_dict(
        "SELECT EXISTS (SELECT 1 FROM engagement_post WHERE id = $1 AND deleted_at IS NOT NULL) "
        "OR EXISTS (SELECT 1 FROM engagement_user WHERE id = ANY($2::uuid[]) "
        "AND deleted_at IS NOT NULL) AS gone",
        [post_id, list(set(user_ids))],
    )
    return bool(rows[0]["gone"])


async def add_item(
    tally: Tally,
    *,
    kind: str,
    item_id: uuid.UUID,
    actor_id: uuid.UUID,
    owner_id: uuid.UUID,
    post_id: uuid.UUID,
    categories: list[str],
    occurred_at: datetime,
    parent_id: uuid.UUID | None = None,
    type: str | None = None,
) -> Item | None:
    """Record an item; returns it when it became live now (so it counts, and may notify)."""
    await lock_shared(post_key(post_id), user_key(actor_id), user_key(owner_id))
    state = DELETED if await _gone(post_id, (actor_id, owner_id)) else LIVE
    rows = await _conn().execute_query_dict(
        f"INSERT INTO engagement_activity_item ({_ITEM_COLUMNS}) "  # noqa: S608 (fixed names)
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11) "
        f"ON CONFLICT (item_id) DO NOTHING RETURNING {_ITEM_COLUMNS}",
        [item_id, kind, actor_id, owner_id, post_id, parent_id, type,
         occurred_at if type else None, _json(categories), state, occurred_at],
    )  # fmt: skip
    if not rows or rows[0]["state"] != LIVE:
        return None
    item = Item.of(rows[0])
    tally.item(item, +1)
    return item


async def remove_item(
    tally: Tally,
    *,
    kind: str,
    item_id: uuid.UUID,
    actor_id: uuid.UUID,
    owner_id: uuid.UUID,
    post_id: uuid.UUID,
    categories: list[str],
    occurred_at: datetime,
    parent_id: uuid.UUID | None = None,
    type: str | None = None,
) -> Item | None:
    """Mark an item deleted; returns it when it was live until now (so it is uncounted)."""
    inserted = await _conn().execute_query_dict(
        f"INSERT INTO engagement_activity_item ({_ITEM_COLUMNS}) "  # noqa: S608 (fixed names)
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11) "
        "ON CONFLICT (item_id) DO NOTHING RETURNING item_id",
        [item_id, kind, actor_id, owner_id, post_id, parent_id, type,
         occurred_at if type else None, _json(categories), DELETED, occurred_at],
    )  # fmt: skip
    if inserted:
        return None  # first news of it: a tombstone, its create will not count
    rows = await _conn().execute_query_dict(
        "UPDATE engagement_activity_item SET state = $2 "  # noqa: S608 (fixed names)
        f"WHERE item_id = $1 AND state = $3 RETURNING {_ITEM_COLUMNS}",
        [item_id, DELETED, LIVE],
    )
    if not rows:
        return None
    item = Item.of(rows[0])
    tally.item(item, -1)
    return item


async def change_reaction_type(
    tally: Tally, *, item_id: uuid.UUID, new_type: str, at: datetime
) -> tuple[Item, str] | None:
    """Apply a newer reaction type to a live reaction; returns (item, previous type) if it
    changed. Older news (by ``at``) than the type already held is ignored."""
    rows = await _conn().execute_query_dict(
        f"SELECT {_ITEM_COLUMNS} FROM engagement_activity_item "  # noqa: S608 (fixed names)
        "WHERE item_id = $1 FOR UPDATE",
        [item_id],
    )
    if not rows:
        return None
    row = rows[0]
    if row["state"] != LIVE or (row["type_at"] is not None and row["type_at"] >= at):
        return None
    await _conn().execute_query(
        "UPDATE engagement_activity_item SET type = $2, type_at = $3 WHERE item_id = $1",
        [item_id, new_type, at],
    )
    previous = row["type"]
    if previous == new_type:
        return None
    item = Item.of({**row, "type": new_type})
    tally.reaction_type(item, previous, new_type)
    return item, previous


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


# --- posts ----------------------------------------------------------------------------------


async def upsert_post(
    tally: Tally,
    *,
    post_id: uuid.UUID,
    author_id: uuid.UUID,
    title: str | None,
    categories: list[str],
    status: str,
    created_at: datetime,
    updated_at: datetime,
) -> None:
    """Apply a post's state if it is newer than what we hold (by the post's updated_at)."""
    published_at = created_at if status == "POSTED" else None
    inserted = await _conn().execute_query_dict(
        "INSERT INTO engagement_post (id, author_id, title, categories, status, created_at, "
        "published_at, version_at, reactions, comments, views, popularity) "
        "VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, 0, 0, 0, 0) "
        "ON CONFLICT (id) DO NOTHING RETURNING id",
        [post_id, author_id, title, _json(categories), status, created_at, published_at,
         updated_at],
    )  # fmt: skip
    if inserted:
        tally.post_state(author_id, status, categories, published_at, +1)
        # Interactions that arrived before the post itself already count: take them over.
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
        return
    rows = await _conn().execute_query_dict(
        "SELECT author_id, categories, status, published_at, version_at, deleted_at "
        "FROM engagement_post WHERE id = $1 FOR UPDATE",
        [post_id],
    )
    row = rows[0]
    if row["deleted_at"] is not None or row["version_at"] >= updated_at:
        return
    old_categories = _list(row["categories"])
    if row["published_at"] is None and status == "POSTED":
        published_at = updated_at  # first publication
    else:
        published_at = row["published_at"]
    if row["status"] != status or old_categories != categories:
        author = row["author_id"]
        tally.post_state(author, row["status"], old_categories, row["published_at"], -1)
        tally.post_state(author, status, categories, published_at, +1)
    await _conn().execute_query(
        "UPDATE engagement_post SET title = $2, categories = $3::jsonb, status = $4, "
        "published_at = $5, version_at = $6 WHERE id = $1",
        [post_id, title, _json(categories), status, published_at, updated_at],
    )


async def delete_post(
    tally: Tally,
    *,
    post_id: uuid.UUID,
    author_id: uuid.UUID,
    categories: list[str],
    status: str,
    now: datetime,
) -> list[Item]:
    """Tombstone the post and uncount every live item on it; returns those items."""
    await lock_exclusive(post_key(post_id))
    inserted = await _conn().execute_query_dict(
        "INSERT INTO engagement_post (id, author_id, categories, status, created_at, version_at, "
        "deleted_at, reactions, comments, views, popularity) "
        "VALUES ($1, $2, $3::jsonb, $4, $5, $5, $5, 0, 0, 0, 0) "
        "ON CONFLICT (id) DO NOTHING RETURNING id",
        [post_id, author_id, _json(categories), status, now],
    )
    if not inserted:
        rows = await _conn().execute_query_dict(
            "UPDATE engagement_post SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL "
            "RETURNING author_id, status, categories, published_at",
            [post_id, now],
        )
        if rows:
            row = rows[0]
            categories_then = _list(row["categories"])
            tally.post_state(
                row["author_id"], row["status"], categories_then, row["published_at"], -1
            )
    return await _flip_items("post_id = $1", [post_id], tally)


async def _flip_items(where: str, args: list[Any], tally: Tally) -> list[Item]:
    n = len(args) + 1
    rows = await _conn().execute_query_dict(
        f"UPDATE engagement_activity_item SET state = '{DELETED}' "  # noqa: S608 (fixed names)
        f"WHERE ({where}) AND state = ${n} RETURNING {_ITEM_COLUMNS}",
        [*args, LIVE],
    )
    items = [Item.of(row) for row in rows]
    for item in items:
        tally.item(item, -1)
    return items


# --- users ----------------------------------------------------------------------------------


async def forget_user(tally: Tally, *, user_id: uuid.UUID, now: datetime) -> list[Item]:
    """The account is gone: its posts are deleted, every item it made or received stops
    counting for anyone, and its own counters go. Returns the items uncounted."""
    await lock_exclusive(user_key(user_id))
    tally.forgotten.add(user_id)
    await _conn().execute_query(
        "UPDATE engagement_post SET deleted_at = $2 WHERE author_id = $1 AND deleted_at IS NULL",
        [user_id, now],
    )
    items = await _flip_items("actor_id = $1 OR owner_id = $1", [user_id], tally)
    await _conn().execute_query("DELETE FROM engagement_counter WHERE user_id = $1", [user_id])
    return items


async def counters_of(user_id: uuid.UUID) -> dict[str, int]:
    rows = await _conn().execute_query_dict(
        "SELECT name, value FROM engagement_counter WHERE user_id = $1", [user_id]
    )
    return {row["name"]: int(row["value"]) for row in rows}


async def connection_count(user_id: uuid.UUID) -> int:
    rows = await _conn().execute_query_dict(
        "SELECT count(*) AS n FROM engagement_connection WHERE user_id = $1 AND connected",
        [user_id],
    )
    return int(rows[0]["n"])


# --- score ----------------------------------------------------------------------------------

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


async def add_to_scores(deltas: dict[uuid.UUID, float], *, now: datetime) -> None:
    """Move scores by already-decayed weights, without reading anyone's history.

    Exponential decay has no memory: the raw sum at ``now`` is the stored raw sum decayed from
    ``score_updated_at`` to ``now``, plus the new action's decayed weight. So an event costs
    one row update however active the user is. The one approximation is the 30-day window:
    an action leaves the sum when it turns 30 days old only at the next full recompute
    (``refresh_all_scores``, hourly), and by then it weighs under 5 % of its weight.
    """
    ids = sorted(uid for uid, delta in deltas.items() if delta)
    if not ids:
        return
    rows = await _conn().execute_query_dict(
        "SELECT id, score_raw, score_updated_at FROM engagement_user "
        "WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL ORDER BY id FOR UPDATE",
        [ids],
    )
    raws = []
    for row in rows:
        since = row["score_updated_at"]
        before = row["score_raw"] * scoring.decay(now - since) if since is not None else 0.0
        raws.append(max(before + deltas[row["id"]], 0.0))
    await _write_scores([row["id"] for row in rows], raws, now=now)


async def _write_scores(ids: list[uuid.UUID], raws: list[float], *, now: datetime) -> int:
    scores = [scoring.squash(raw) for raw in raws]
    updated = await _conn().execute_query_dict(
        "UPDATE engagement_user AS u SET score_raw = d.raw, score = d.score, level = d.level, "
        "score_updated_at = $5 "
        "FROM unnest($1::uuid[], $2::float8[], $3::float8[], $4::text[]) "
        "AS d(id, raw, score, level) "
        "WHERE u.id = d.id AND u.deleted_at IS NULL RETURNING u.id",
        [ids, raws, scores, [scoring.level_of(s) for s in scores], now],
    )
    return len(updated)


async def refresh_scores(user_ids: Iterable[uuid.UUID], *, now: datetime) -> int:
    """Recompute the score and level of these users from their last 30 days (the existing,
    undeleted ones)."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    made, received = scoring.MADE_WEIGHTS, scoring.RECEIVED_WEIGHTS
    rows = await _conn().execute_query_dict(
        _RAW_SCORES,
        [ids, now - scoring.SCORE_WINDOW, made["comment"], made["reaction"], made["view"],
         received["comment"], received["reaction"], received["view"], made["post"],
         made["connection"], now, scoring.HALF_LIFE.total_seconds()],
    )  # fmt: skip
    raw = {row["uid"]: float(row["raw"] or 0.0) for row in rows}
    return await _write_scores(ids, [raw.get(uid, 0.0) for uid in ids], now=now)


async def refresh_all_scores(*, now: datetime, batch_size: int = 1000) -> int:
    """The scheduled decay: every undeleted user, in batches (keyset on id)."""
    done = 0
    after = uuid.UUID(int=0)
    while True:
        rows = await _conn().execute_query_dict(
            "SELECT id FROM engagement_user WHERE deleted_at IS NULL AND id > $1 "
            "ORDER BY id LIMIT $2",
            [after, batch_size],
        )
        if not rows:
            return done
        ids = [row["id"] for row in rows]
        done += await refresh_scores(ids, now=now)
        after = ids[-1]


def _json(value: Any) -> str:
    return json.dumps(value)


def _list(value: Any) -> list[str]:
    return list(json.loads(value) if isinstance(value, str) else value)
