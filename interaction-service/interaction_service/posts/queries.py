"""Every statement on the post projection (``interaction_post``)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime

from tortoise import connections

from interaction_service.posts.models import Post, PostStatus


async def get_post(post_id: uuid.UUID) -> Post | None:
    return await Post.get_or_none(id=post_id)


async def posts_by_id(post_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Post]:
    return {post.id: post for post in await Post.filter(id__in=set(post_ids))}


async def record_fetched_post(
    *,
    post_id: uuid.UUID,
    author_id: uuid.UUID,
    categories: list[str],
    updated_at: datetime | None,
) -> None:
    """Record a POSTED post learnt over HTTP, unless an event got here first."""
    await connections.get("default").execute_query(
        "INSERT INTO interaction_post "
        "(id, author_id, status, categories, source_updated_at, synced_at) "
        "VALUES ($1, $2, $3, $4::jsonb, $5, now()) ON CONFLICT (id) DO NOTHING",
        [post_id, author_id, PostStatus.POSTED.value, json.dumps(categories), updated_at],
    )


async def share_lock_post(post_id: uuid.UUID) -> bool:
    """Hold the post's row ``FOR SHARE`` until commit; False when there is no row."""
    rows = await connections.get("default").execute_query_dict(
        "SELECT id FROM interaction_post WHERE id = $1 FOR SHARE", [post_id]
    )
    return bool(rows)


async def upsert_post_state(
    *,
    post_id: uuid.UUID,
    author_id: uuid.UUID,
    status: PostStatus,
    categories: list[str],
    updated_at: datetime,
) -> None:
    """Insert or replace the post's state, except over a tombstone or a newer state."""
    await connections.get("default").execute_query(
        "INSERT INTO interaction_post "
        "(id, author_id, status, categories, source_updated_at, synced_at) "
        "VALUES ($1, $2, $3, $4::jsonb, $5, now()) "
        "ON CONFLICT (id) DO UPDATE SET author_id = EXCLUDED.author_id, "
        "status = EXCLUDED.status, categories = EXCLUDED.categories, "
        "source_updated_at = EXCLUDED.source_updated_at, synced_at = now() "
        "WHERE interaction_post.deleted_at IS NULL AND ("
        "interaction_post.source_updated_at IS NULL "
        "OR interaction_post.source_updated_at <= EXCLUDED.source_updated_at)",
        [post_id, author_id, status.value, json.dumps(categories), updated_at],
    )


async def upsert_tombstone(
    *,
    post_id: uuid.UUID,
    author_id: uuid.UUID,
    status: PostStatus,
    categories: list[str],
    deleted_at: datetime,
) -> Post:
    """Mark the post deleted (keeping the first ``deleted_at``), creating the row if needed;
    waits for every transaction that holds the row."""
    await connections.get("default").execute_query(
        "INSERT INTO interaction_post "
        "(id, author_id, status, categories, deleted_at, synced_at) "
        "VALUES ($1, $2, $3, $4::jsonb, $5, now()) "
        "ON CONFLICT (id) DO UPDATE SET "
        "deleted_at = COALESCE(interaction_post.deleted_at, EXCLUDED.deleted_at), "
        "synced_at = now()",
        [post_id, author_id, status.value, json.dumps(categories), deleted_at],
    )
    return await Post.get(id=post_id)
