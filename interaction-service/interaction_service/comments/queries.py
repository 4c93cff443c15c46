"""Every statement on comments and their NFT records."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.expressions import F, Q

from chassis.pagination import PageParams, keyset_page
from interaction_service.comments.models import Comment, CommentNFT, DeletionReason

OLDEST_FIRST = ("created_at", "id")


# --- comments ---------------------------------------------------------------------------------


async def get_comment(comment_id: uuid.UUID) -> Comment | None:
    return await Comment.get_or_none(id=comment_id)


async def lock_comment(
    comment_id: uuid.UUID, *, post_id: uuid.UUID | None = None
) -> Comment | None:
    """The comment's row, held ``FOR UPDATE`` until commit (only if it is on ``post_id``, when
    given)."""
    query = Comment.filter(id=comment_id)
    if post_id is not None:
        query = query.filter(post_id=post_id)
    return await query.select_for_update().first()


async def insert_comment(
    *,
    post_id: uuid.UUID,
    parent_id: uuid.UUID | None,
    author_id: uuid.UUID,
    content: str,
    created_at: datetime,
) -> Comment:
    return await Comment.create(
        id=uuid.uuid4(),
        post_id=post_id,
        parent_id=parent_id,
        author_id=author_id,
        content=content,
        created_at=created_at,
    )


async def save_content(comment: Comment) -> None:
    """Write an edit: ``content`` and ``edited_at``."""
    await comment.save(update_fields=["content", "edited_at"])


async def save_tombstone(comment: Comment) -> None:
    """Write a soft deletion: ``content``, ``deleted_at`` and ``deleted_reason``."""
    await comment.save(update_fields=["content", "deleted_at", "deleted_reason"])


async def add_reply(root_id: uuid.UUID) -> None:
    await Comment.filter(id=root_id).update(reply_count=F("reply_count") + 1)


async def remove_reply(parent_id: uuid.UUID) -> None:
    await Comment.filter(id=parent_id, reply_count__gt=0).update(reply_count=F("reply_count") - 1)


async def remove_replies(counts: Mapping[uuid.UUID, int]) -> None:
    """Take ``counts[parent]`` replies off each parent's ``reply_count`` (never below zero)."""
    if not counts:
        return
    await connections.get("default").execute_query(
        "UPDATE interaction_comment AS c "
        "SET reply_count = GREATEST(c.reply_count - d.n, 0) "
        "FROM unnest($1::uuid[], $2::int[]) AS d(id, n) WHERE c.id = d.id",
        [list(counts), list(counts.values())],
    )


async def delete_post_comments(post_id: uuid.UUID) -> list[dict[str, Any]]:
    """Delete every comment of the post; returns the deleted rows (id, post_id,
    author_id, parent_id, deleted_at)."""
    conn = connections.get("default")
    # Replies first, then the top-level comments: both through the keyset indexes.
    rows = await conn.execute_query_dict(
        "DELETE FROM interaction_comment WHERE parent_id IN ("
        "SELECT id FROM interaction_comment WHERE post_id = $1 AND parent_id IS NULL) "
        "RETURNING id, post_id, author_id, parent_id, deleted_at",
        [post_id],
    )
    rows += await conn.execute_query_dict(
        "DELETE FROM interaction_comment WHERE post_id = $1 AND parent_id IS NULL "
        "RETURNING id, post_id, author_id, parent_id, deleted_at",
        [post_id],
    )
    return rows


async def tombstone_author_comments(
    author_id: uuid.UUID, *, deleted_at: datetime, reason: DeletionReason
) -> list[dict[str, Any]]:
    """Turn every live comment of the author into a tombstone; returns those rows (id, post_id,
    author_id, parent_id, deleted_at)."""
    return await connections.get("default").execute_query_dict(
        "UPDATE interaction_comment SET content = NULL, deleted_at = $2, deleted_reason = $3 "
        "WHERE author_id = $1 AND deleted_at IS NULL "
        "RETURNING id, post_id, author_id, parent_id, deleted_at",
        [author_id, deleted_at, reason.value],
    )


async def page_top_level(post_id: uuid.UUID, page: PageParams) -> tuple[list[Comment], str | None]:
    """Top-level comments of a post, oldest first: the live ones, and the deleted ones that
    still have live replies."""
    query = Comment.filter(post_id=post_id, parent_id__isnull=True).filter(
        Q(deleted_at__isnull=True) | Q(reply_count__gt=0)
    )
    return await keyset_page(query, page, order_by=OLDEST_FIRST)


async def page_live_replies(
    comment_id: uuid.UUID, page: PageParams
) -> tuple[list[Comment], str | None]:
    query = Comment.filter(parent_id=comment_id, deleted_at__isnull=True)
    return await keyset_page(query, page, order_by=OLDEST_FIRST)


async def deleted_among(comment_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these comments are tombstones."""
    ids = set(comment_ids)
    if not ids:
        return set()
    rows = await Comment.filter(id__in=ids, deleted_at__isnull=False).values("id")
    return {row["id"] for row in rows}


# --- NFT records ------------------------------------------------------------------------------


async def get_nft(comment_id: uuid.UUID) -> CommentNFT | None:
    return await CommentNFT.get_or_none(comment_id=comment_id)


async def insert_nft(
    comment_id: uuid.UUID, *, cid: str, token_uri: str, metadata: dict[str, Any], now: datetime
) -> None:
    await CommentNFT.create(
        comment_id=comment_id,
        cid=cid,
        token_uri=token_uri,
        metadata=metadata,
        created_at=now,
        updated_at=now,
    )


async def update_nft(
    comment_id: uuid.UUID, *, cid: str, token_uri: str, metadata: dict[str, Any], now: datetime
) -> None:
    await CommentNFT.filter(comment_id=comment_id).update(
        cid=cid, token_uri=token_uri, metadata=metadata, updated_at=now
    )


async def delete_nfts(comment_ids: Iterable[uuid.UUID]) -> None:
    ids = list(comment_ids)
    if ids:
        await CommentNFT.filter(comment_id__in=ids).delete()
