"""Every statement of the recommendations: the two ranked lists (hand-written SQL over the
projections, ranked per request with a keyset after the cursor) and the dismissals
(``engagement_dismissal``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.expressions import Q

from engagement_service.activity.rules import as_list
from engagement_service.recommendations.models import Dismissal
from engagement_service.recommendations.rules import (
    FRESHNESS_HALF_LIFE_HOURS,
    FRESHNESS_WEIGHT,
    MATCH_WEIGHT,
    POPULARITY_SCALE,
    POPULARITY_WEIGHT,
    PersonCandidate,
    PostCandidate,
)


def _conn() -> Any:
    return connections.get("default")


# --- people ---------------------------------------------------------------------------------

PEOPLE = """
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


async def people_page(
    user_id: uuid.UUID,
    *,
    declared: list[str],
    after: tuple[int | None, int | None, uuid.UUID | None],
    limit: int,
) -> list[PersonCandidate]:
    """Friends of friends after ``after`` (mutual, shared, id), in order."""
    rows = await _conn().execute_query_dict(PEOPLE, [user_id, declared, *after, limit])
    return [
        PersonCandidate(
            id=row["id"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            interests=as_list(row["interests"]),
            mutual=row["mutual"],
            shared=row["shared"],
        )
        for row in rows
    ]


async def insert_dismissal(user_id: uuid.UUID, dismissed_id: uuid.UUID) -> None:
    """Idempotent: a second dismissal of the same person changes nothing."""
    await _conn().execute_query(
        "INSERT INTO engagement_dismissal (user_id, dismissed_id, created_at) "
        "VALUES ($1, $2, now()) ON CONFLICT (user_id, dismissed_id) DO NOTHING",
        [user_id, dismissed_id],
    )


async def delete_dismissals_of(user_id: uuid.UUID) -> None:
    """Every dismissal by or of the user."""
    await Dismissal.filter(Q(user_id=user_id) | Q(dismissed_id=user_id)).delete()


# --- posts ----------------------------------------------------------------------------------

POSTS = """
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


def posts_parameters(
    user_id: uuid.UUID,
    *,
    as_of: datetime,
    affinity: dict[str, float],
    top: list[str],
    per_source: int,
    after: tuple[float | None, uuid.UUID | None],
    limit: int,
) -> list[Any]:
    """``POSTS``'s parameters, the ranking constants among them (``bench/`` explains with
    them too)."""
    return [user_id, as_of, list(affinity), list(affinity.values()), top, per_source,
            POPULARITY_SCALE, FRESHNESS_HALF_LIFE_HOURS, MATCH_WEIGHT, POPULARITY_WEIGHT,
            FRESHNESS_WEIGHT, *after, limit]  # fmt: skip


async def posts_page(
    user_id: uuid.UUID,
    *,
    as_of: datetime,
    affinity: dict[str, float],
    top: list[str],
    per_source: int,
    after: tuple[float | None, uuid.UUID | None],
    limit: int,
) -> list[PostCandidate]:
    """Candidate posts ranked at ``as_of``, after ``after`` (rank, id), in order."""
    rows = await _conn().execute_query_dict(
        POSTS,
        posts_parameters(
            user_id,
            as_of=as_of,
            affinity=affinity,
            top=top,
            per_source=per_source,
            after=after,
            limit=limit,
        ),
    )
    return [
        PostCandidate(
            id=row["id"],
            author_id=row["author_id"],
            title=row["title"],
            categories=as_list(row["categories"]),
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
