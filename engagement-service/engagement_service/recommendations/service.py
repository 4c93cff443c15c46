"""People you may know and posts you may like, computed per request from the projections.

**People** are friends of friends: every user connected to one of your connections, except
you, your connections, people you dismissed, and deleted, banned or inactive accounts. Order:
mutual connections (more first), then shared interests (the declared interests of
``user_registered``/``user_updated`` you have in common), then id, so the order is stable.

**Posts** are POSTED posts you did not write and have not viewed, by authors who are not
deleted, banned or inactive. Candidates come from three
sources, ``post_candidates_per_source`` each: the newest, the most popular, and the newest in
your three strongest categories. Each candidate is ranked:

    rank       = 0.5 * match + 0.3 * popularity + 0.2 * freshness            (0 to 1)
    match      = the best affinity among the post's categories, where
                 affinity(c) = 0.5 * [c in your declared interests]
                             + 0.5 * your interest points in c / your top category's points
    popularity = 1 - exp(-(5 * reactions + 10 * comments + views) / 50)
    freshness  = 0.5 ** (hours since publication / 48)

Reactions, comments and views are this service's own counts of live items on the post.

**Pagination without OFFSET.** Both lists are ordered by a computed key with the id last, and
the cursor holds the last item's key: the next page is the same query with "strictly after
the cursor" added, so an item is never repeated when the list does not change between pages.
Post ranks depend on time, so the post cursor also freezes ``as_of``: every page is ranked at
the instant of the first one. What changes between pages (a new reaction, a new connection)
may move an item across the cursor; that is the price of a ranking that is never stored.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.expressions import Q

from chassis.errors import BadRequest, NotFound
from chassis.pagination import PageParams, decode_cursor, encode_cursor
from engagement_service.activity.schemas import interest_summary
from engagement_service.activity.service import counters_of
from engagement_service.core.vocabulary import CATEGORIES
from engagement_service.recommendations.models import Dismissal
from engagement_service.users.models import User

MATCH_WEIGHT, POPULARITY_WEIGHT, FRESHNESS_WEIGHT = 0.5, 0.3, 0.2
POPULARITY_SCALE = 50.0
FRESHNESS_HALF_LIFE_HOURS = 48.0
TOP_CATEGORIES = 3


def _conn() -> Any:
    return connections.get("default")


# --- people ---------------------------------------------------------------------------------

_PEOPLE = """
WITH mine AS (
    SELECT other_id FROM engagement_connection WHERE user_id = $1 AND connected
),
fof AS (
    SELECT c.other_id AS id, count(*)::int AS mutual
    FROM mine m JOIN engagement_connection c ON c.user_id = m.other_id AND c.connected
    WHERE c.other_id <> $1
    GROUP BY c.other_id
),
ranked AS (
    SELECT f.id, f.mutual, u.first_name, u.last_name, u.interests,
           (SELECT count(*) FROM jsonb_array_elements_text(u.interests) AS i(v)
            WHERE i.v = ANY($2::text[]))::int AS shared
    FROM fof f JOIN engagement_user u ON u.id = f.id
    WHERE NOT (u.deleted_at IS NOT NULL OR u.status IN ('BANNED', 'INACTIVE'))
      AND NOT EXISTS (SELECT 1 FROM mine WHERE mine.other_id = f.id)
      AND NOT EXISTS (SELECT 1 FROM engagement_dismissal d
                      WHERE d.user_id = $1 AND d.dismissed_id = f.id)
)
SELECT id, mutual, shared, first_name, last_name, interests FROM ranked
WHERE $3::int IS NULL OR mutual < $3 OR (mutual = $3 AND shared < $4)
   OR (mutual = $3 AND shared = $4 AND id > $5)
ORDER BY mutual DESC, shared DESC, id ASC
LIMIT $6
"""


@dataclass
class PersonCandidate:
    id: uuid.UUID
    first_name: str
    last_name: str
    interests: list[str]
    mutual: int
    shared: int


async def _declared_interests(user_id: uuid.UUID) -> list[str]:
    user = await User.get_or_none(id=user_id, deleted_at__isnull=True)
    return list(user.interests) if user else []


async def people_you_may_know(
    user_id: uuid.UUID, *, page: PageParams
) -> tuple[list[PersonCandidate], str | None]:
    after: list[Any] = [None, None, None]
    if page.cursor:
        # (mutual, shared, id); a forged value is a 400 invalid_cursor, never a DataError.
        after = decode_cursor(page.cursor, ("int32", "int32", "uuid"))
    rows = await _conn().execute_query_dict(
        _PEOPLE,
        [user_id, await _declared_interests(user_id), *after, page.limit + 1],
    )
    people = [
        PersonCandidate(
            id=row["id"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            interests=_list(row["interests"]),
            mutual=row["mutual"],
            shared=row["shared"],
        )
        for row in rows
    ]
    cursor = None
    if len(people) > page.limit:
        people = people[: page.limit]
        last = people[-1]
        cursor = encode_cursor([last.mutual, last.shared, last.id])
    return people, cursor


async def dismiss(user_id: uuid.UUID, *, dismissed_id: uuid.UUID) -> None:
    """Never recommend this person to the user again (idempotent)."""
    if dismissed_id == user_id:
        raise BadRequest("You cannot dismiss yourself", code="self_dismissal")
    if not await User.filter(id=dismissed_id, deleted_at__isnull=True).exists():
        raise NotFound("User not found", code="user_not_found")
    await _conn().execute_query(
        "INSERT INTO engagement_dismissal (user_id, dismissed_id, created_at) "
        "VALUES ($1, $2, now()) ON CONFLICT (user_id, dismissed_id) DO NOTHING",
        [user_id, dismissed_id],
    )


async def forget_dismissals(user_id: uuid.UUID) -> None:
    await Dismissal.filter(Q(user_id=user_id) | Q(dismissed_id=user_id)).delete()


# --- posts ----------------------------------------------------------------------------------

_POSTS = """
WITH cand AS MATERIALIZED (
    SELECT DISTINCT ON (id) * FROM (
        (SELECT id, author_id, title, categories, published_at, reactions, comments, views,
                popularity
         FROM engagement_post WHERE status = 'POSTED' AND deleted_at IS NULL
         ORDER BY published_at DESC LIMIT $6)
      UNION ALL
        (SELECT id, author_id, title, categories, published_at, reactions, comments, views,
                popularity
         FROM engagement_post WHERE status = 'POSTED' AND deleted_at IS NULL
         ORDER BY popularity DESC LIMIT $6)
      UNION ALL
        (SELECT id, author_id, title, categories, published_at, reactions, comments, views,
                popularity
         FROM engagement_post WHERE status = 'POSTED' AND deleted_at IS NULL
           AND categories ?| $5::text[]
         ORDER BY published_at DESC LIMIT $6)
    ) AS sources ORDER BY id
),
scored AS (
    SELECT c.id, c.author_id, c.title, c.categories, c.published_at,
           c.reactions, c.comments, c.views,
           (SELECT coalesce(max(a.w), 0)
            FROM jsonb_array_elements_text(c.categories) AS pc(v)
            JOIN unnest($3::text[], $4::float8[]) AS a(cat, w) ON a.cat = pc.v) AS match,
           1 - exp(-c.popularity / $7::float8) AS pop,
           power(0.5, GREATEST(extract(epoch FROM ($2::timestamptz - c.published_at)), 0)
                      / 3600.0 / $8::float8) AS fresh
    FROM cand c
    WHERE c.author_id <> $1
      AND NOT EXISTS (SELECT 1 FROM engagement_user u WHERE u.id = c.author_id
                      AND (u.deleted_at IS NOT NULL OR u.status IN ('BANNED', 'INACTIVE')))
      AND NOT EXISTS (SELECT 1 FROM engagement_activity_item v
                      WHERE v.actor_id = $1 AND v.post_id = c.id AND v.kind = 'view')
),
ranked AS (
    SELECT *, ($9::float8 * match + $10::float8 * pop + $11::float8 * fresh) AS rank
    FROM scored
)
SELECT * FROM ranked
WHERE $12::float8 IS NULL OR rank < $12 OR (rank = $12 AND id > $13)
ORDER BY rank DESC, id ASC
LIMIT $14
"""


@dataclass
class PostCandidate:
    id: uuid.UUID
    author_id: uuid.UUID
    title: str | None
    categories: list[str]
    published_at: datetime | None
    reactions: int
    comments: int
    views: int
    match: float
    popularity: float
    freshness: float
    rank: float


async def affinities(user_id: uuid.UUID) -> dict[str, float]:
    """How much the user cares for each category, 0 to 1 (see the module doc)."""
    declared = set(await _declared_interests(user_id))
    summary = interest_summary(await counters_of(user_id), include_views=True)
    top = summary[0].points if summary else 0
    points = {s.category: s.points for s in summary}
    result = {}
    for category in CATEGORIES:
        value = 0.5 * (category in declared) + (0.5 * points.get(category, 0) / top if top else 0)
        if value > 0:
            result[category] = round(value, 6)
    return result


async def posts_for_you(
    user_id: uuid.UUID, *, page: PageParams, now: datetime, per_source: int
) -> tuple[list[PostCandidate], str | None, dict[str, float]]:
    """One page of ranked posts, the next cursor, and the caller's category affinities."""
    as_of, after_rank, after_id = now, None, None
    if page.cursor:
        # (as_of, rank, id): as_of aware and in years 1900-2999, rank finite; else 400.
        as_of, after_rank, after_id = decode_cursor(page.cursor, ("datetime", "float", "uuid"))
    affinity = await affinities(user_id)
    top = [c for c, _ in sorted(affinity.items(), key=lambda x: (-x[1], x[0]))[:TOP_CATEGORIES]]
    rows = await _conn().execute_query_dict(
        _POSTS,
        [user_id, as_of, list(affinity), list(affinity.values()), top, per_source,
         POPULARITY_SCALE, FRESHNESS_HALF_LIFE_HOURS, MATCH_WEIGHT, POPULARITY_WEIGHT,
         FRESHNESS_WEIGHT, after_rank, after_id, page.limit + 1],
    )  # fmt: skip
    posts = [
        PostCandidate(
            id=row["id"],
            author_id=row["author_id"],
            title=row["title"],
            categories=_list(row["categories"]),
            published_at=row["published_at"],
            reactions=row["reactions"],
            comments=row["comments"],
            views=row["views"],
            match=float(row["match"]),
            popularity=float(row["pop"]),
            freshness=float(row["fresh"]),
            rank=float(row["rank"]),
        )
        for row in rows
    ]
    cursor = None
    if len(posts) > page.limit:
        posts = posts[: page.limit]
        cursor = encode_cursor([as_of, posts[-1].rank, posts[-1].id])
    return posts, cursor, affinity


def _list(value: Any) -> list[str]:
    return list(json.loads(value) if isinstance(value, str) else value)
