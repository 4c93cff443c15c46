"""Every database statement of the posts domain: posts, their lists and feed, the hot score
in SQL, and Idempotency-Keys."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, Literal

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from chassis.pagination import keyset_where
from post_service.posts import ranking
from post_service.posts.models import IdempotencyKey, Post, PostStatus
from post_service.posts.schemas import AUTHOR_COLUMNS, POST_COLUMNS

# The text search configuration: 'simple' lower-cases and splits words without stemming or
# stop words, so it treats every language alike (names and posts are not only English).
SEARCH_CONFIG = "simple"

# The columns a list sorts by: (sort key, id), both descending.
ListKey = Literal["listed_at", "hot"]


def _db() -> BaseDBAsyncClient:
    return connections.get("default")


# --- the hot score in SQL -----------------------------------------------------------------


def hot_expression(
    *,
    positive: str = "positive_reactions",
    comments: str = "total_comments",
    listed_at: str = "listed_at",
) -> str:
    """``ranking.hot_score`` as a SQL expression over a ``post`` row (or the given SQL for each
    input), with ``now()`` as the clock. Built from ranking's constants, never from input."""
    age = f"extract(epoch from (now() - {listed_at})) / 3600.0"
    return (
        f"(({positive}) + ({comments}) + {int(ranking.HOT_BASE)})::float8 / power("
        f"least(greatest({age}, 0), {float(ranking.HOT_MAX_AGE_HOURS)}) "
        f"+ {float(ranking.HOT_AGE_OFFSET_HOURS)}, {float(ranking.HOT_GRAVITY)})"
    )


async def recompute_hot(*, younger_than_hours: int) -> int:
    """Recompute ``hot`` for every post listed less than this long ago; how many."""
    updated, _ = await _db().execute_query(
        f"UPDATE post SET hot = {hot_expression()} "  # noqa: S608 (constants only)
        "WHERE listed_at >= now() - make_interval(hours => $1)",
        [younger_than_hours],
    )
    return int(updated)


# --- posts --------------------------------------------------------------------------------


async def load_post(post_id: uuid.UUID, *, lock: bool) -> Post | None:
    """The post, locked for the rest of the transaction if ``lock``, or None."""
    query = Post.filter(id=post_id)
    if lock:
        query = query.select_for_update()
    return await query.first()


async def load_author(post: Post) -> None:
    """Load ``post.author`` (``PostRead.of`` reads it)."""
    await post.fetch_related("author")


async def lock_posts_of(author_id: uuid.UUID) -> list[Post]:
    """Every post of the author, locked, in id order."""
    return await Post.filter(author_id=author_id).order_by("id").select_for_update()


async def insert_post(**fields: Any) -> Post:
    return await Post.create(**fields)


async def save_post(post: Post, *, fields: list[str]) -> None:
    await post.save(update_fields=fields)


async def delete_post(post: Post) -> None:
    await post.delete()


# --- idempotency keys ---------------------------------------------------------------------


async def idempotency_key(user_id: uuid.UUID, key: str) -> IdempotencyKey | None:
    return await IdempotencyKey.get_or_none(user_id=user_id, key=key)


async def claim_idempotency_key(
    user_id: uuid.UUID, key: str, *, fingerprint: str, now: datetime
) -> bool:
    """Insert the key, or wait for a concurrent request holding it and return False.

    The unique (user_id, key) index makes a second insert wait for the first transaction: if
    that one commits, this is a conflict and the stored answer is replayed; if it rolls back,
    this insert goes through and the request runs. Never two posts."""
    rows = await _db().execute_query_dict(
        "INSERT INTO post_idempotency_key (user_id, key, request_hash, status_code, response, "
        "created_at) VALUES ($1, $2, $3, 201, '{}'::jsonb, $4) "
        "ON CONFLICT (user_id, key) DO NOTHING RETURNING id",
        [user_id, key, fingerprint, now],
    )
    return bool(rows)


async def claimed_idempotency_key(user_id: uuid.UUID, key: str) -> IdempotencyKey:
    """A key another, committed transaction claimed (so it exists)."""
    return await IdempotencyKey.get(user_id=user_id, key=key)


async def store_response(user_id: uuid.UUID, key: str, *, response: dict[str, Any]) -> None:
    await IdempotencyKey.filter(user_id=user_id, key=key).update(response=response)


async def delete_idempotency_keys_of(user_id: uuid.UUID) -> None:
    await IdempotencyKey.filter(user_id=user_id).delete()


async def delete_idempotency_keys_before(cutoff: datetime) -> int:
    return await IdempotencyKey.filter(created_at__lt=cutoff).delete()


# --- lists and the feed -------------------------------------------------------------------


class _Args:
    """Numbered parameters for a hand-written query."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"

    def after(self, columns: tuple[str, str], values: list[Any]) -> str:
        """The keyset condition ``(k, id) < ($a, $b)`` (one index bound), its values added."""
        condition, params = keyset_where(
            columns, values, descending=True, first_param=len(self.values) + 1
        )
        self.values.extend(params)
        return condition


# The columns a list item shows, read with the page in the same statement (constant names).
_PAGE_ITEM = (
    "WITH page AS MATERIALIZED ({page}) SELECT "  # noqa: S608
    + ", ".join([*(f"p.{c}" for c in POST_COLUMNS), *(f"a.{c}" for c in AUTHOR_COLUMNS)])
    + ", page.k FROM page JOIN post p ON p.id = page.id JOIN post_author a ON a.id = p.author_id"
    " ORDER BY page.k DESC, page.id DESC"
)


async def _page_rows(sql: str, args: _Args) -> list[dict[str, Any]]:
    """Run a query returning (id, k) rows in page order, ``(k, id)`` descending, joined in the
    same statement with those posts and their authors: ``POST_COLUMNS``, ``AUTHOR_COLUMNS``
    and ``k``.

    Hand-written rather than ``Post.filter(id__in=...).select_related("author")``: measured on
    the feed, the ORM load and model building took ~0.8 ms of CPU per page of 20, about 40% of
    the request, and a second round trip."""
    return await _db().execute_query_dict(_PAGE_ITEM.format(page=sql), args.values)


async def list_rows(
    *,
    key: ListKey,
    viewer_id: uuid.UUID,
    status: PostStatus | None,
    author_id: uuid.UUID | None,
    category: str | None,
    q: str | None,
    after: list[Any] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Up to ``limit`` rows of the list, by ``(key, id)`` descending, strictly after ``after``.

    Visibility as ``rules.is_visible`` says, in SQL: no status asked, POSTED posts and the
    viewer's own; POSTED, everyone's; DRAFT or ARCHIVED, only the viewer's own. Removed posts
    never. Keyset pagination written as a row comparison ``(k, id) < ($a, $b)`` so Postgres
    seeks straight to the cursor in the matching index: a page costs the same at any depth,
    even inside a run of equal ``hot`` values (every old post with the same engagement has the
    same one). See the service README for measured plans."""
    arg = _Args()
    where = ["p.removed_at IS NULL"]
    if status is None:
        where.append(f"(p.status = 'POSTED' OR p.author_id = {arg(viewer_id)})")
    elif status == PostStatus.POSTED:
        where.append("p.status = 'POSTED'")
    else:  # drafts and archived posts are private: only the viewer's own
        where.append(f"p.status = {arg(status.value)} AND p.author_id = {arg(viewer_id)}")
    if author_id is not None:
        where.append(f"p.author_id = {arg(author_id)}")
    if category is not None:
        where.append(f"p.categories @> {arg(json.dumps([category]))}::jsonb")
    if q:
        where.append(f"p.search_vector @@ websearch_to_tsquery('{SEARCH_CONFIG}', {arg(q)})")
    if after is not None:
        where.append(arg.after((f"p.{key}", "p.id"), after))
    sql = (
        f"SELECT p.id, p.{key} AS k FROM post p WHERE {' AND '.join(where)} "  # noqa: S608
        f"ORDER BY p.{key} DESC, p.id DESC LIMIT {arg(limit)}"
    )
    return await _page_rows(sql, arg)


async def feed_rows(
    *, viewer_id: uuid.UUID, after: list[Any] | None, limit: int
) -> list[dict[str, Any]]:
    """Up to ``limit`` POSTED posts of the viewer's connections, by ``(listed_at, id)``
    descending, strictly after ``after``.

    One index range per connection (``post (author_id, listed_at, id)``), each cut to a page,
    then merged: a page costs (connections x page size) index reads at most, however many
    posts the table or each connection holds."""
    arg = _Args()
    viewer, limit_param = arg(viewer_id), arg(limit)
    after_condition = (
        f"AND {arg.after(('p.listed_at', 'p.id'), after)}" if after is not None else ""
    )
    sql = f"""
        SELECT p.id, p.listed_at AS k FROM post_connection c
        CROSS JOIN LATERAL (
            SELECT p.id, p.listed_at FROM post p
            WHERE p.author_id = c.other_id AND p.status = 'POSTED' AND p.removed_at IS NULL
            {after_condition}
            ORDER BY p.listed_at DESC, p.id DESC
            LIMIT {limit_param}
        ) p
        WHERE c.user_id = {viewer} AND c.connected
        ORDER BY p.listed_at DESC, p.id DESC
        LIMIT {limit_param}
    """  # noqa: S608 (only numbered parameters are interpolated)
    return await _page_rows(sql, arg)
