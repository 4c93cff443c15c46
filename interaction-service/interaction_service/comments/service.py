"""Comments, replies and their NFT records. Runs inside the caller's transaction.

Lock order, the same everywhere so that writes never deadlock one another: the writer's user
row, then the post's row (both ``FOR SHARE``), then the comment, then its top-level parent.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from redis.exceptions import RedisError
from tortoise import connections
from tortoise.expressions import F, Q

from chassis.errors import Forbidden, NotFound
from chassis.pagination import PageParams, keyset_page
from chassis.tokens import Identity
from interaction_service.comments import nft
from interaction_service.comments.models import Comment, CommentNFT, DeletionReason
from interaction_service.core import events
from interaction_service.core.context import InteractionContext
from interaction_service.posts.models import Post
from interaction_service.posts.service import (
    PostRef,
    get_visible_post,
    lock_visible_post,
    post_event_fields,
)
from interaction_service.users.service import display_names, hold_writer, refuse_silenced

OLDEST_FIRST = ("created_at", "id")
logger = logging.getLogger("interaction.comments")


def comment_not_found() -> NotFound:
    return NotFound("Comment not found", code="comment_not_found")


def _iso(value: datetime) -> str:
    return value.isoformat()


def comment_event_data(comment: Comment, post: Post | PostRef) -> dict[str, Any]:
    """``post_comment_created`` / ``post_comment_updated`` data (the latter adds edited_at)."""
    data: dict[str, Any] = {
        "comment_id": str(comment.id),
        **post_event_fields(post),
        "author_id": str(comment.author_id),
        "parent_id": str(comment.parent_id) if comment.parent_id else None,
        "content": comment.content,
        "created_at": _iso(comment.created_at),
    }
    if comment.edited_at is not None:
        data["edited_at"] = _iso(comment.edited_at)
    return data


def _deleted_event_data(
    comment_id: uuid.UUID,
    post: Post,
    *,
    author_id: uuid.UUID,
    parent_id: uuid.UUID | None,
    reason: DeletionReason,
) -> dict[str, Any]:
    return {
        "comment_id": str(comment_id),
        **post_event_fields(post),
        "author_id": str(author_id),
        "parent_id": str(parent_id) if parent_id else None,
        "reason": reason.value,
    }


async def _write_nft(comment: Comment, *, now: datetime, create: bool) -> None:
    assert comment.content is not None
    metadata = nft.comment_metadata(
        comment_id=str(comment.id),
        post_id=str(comment.post_id),
        author_id=str(comment.author_id),
        parent_id=str(comment.parent_id) if comment.parent_id else None,
        content=comment.content,
        created_at=_iso(comment.created_at),
        edited_at=_iso(comment.edited_at) if comment.edited_at else None,
    )
    cid, uri = nft.token_uri(metadata)
    if create:
        await CommentNFT.create(
            comment_id=comment.id,
            cid=cid,
            token_uri=uri,
            metadata=metadata,
            created_at=now,
            updated_at=now,
        )
    else:
        await CommentNFT.filter(comment_id=comment.id).update(
            cid=cid, token_uri=uri, metadata=metadata, updated_at=now
        )


async def _limit_comments(ctx: InteractionContext, user: Identity) -> None:
    attempts, window = ctx.settings.comments_per_user
    try:
        await ctx.limiter.hit(f"comment:user:{user.id}", limit=attempts, window_seconds=window)
    except RedisError:
        # The limit is a guard, not a dependency: with Redis down, comments still go through.
        logger.warning("comment rate limit unavailable (Redis error); allowing")


# --- writes -----------------------------------------------------------------------------------


async def create_comment(
    ctx: InteractionContext,
    *,
    post: PostRef,
    author: Identity,
    content: str,
    parent_id: uuid.UUID | None,
) -> Comment:
    """Add a comment, or a reply (attached to the thread's top-level comment)."""
    refuse_silenced(author)
    await _limit_comments(ctx, author)
    author_id = await hold_writer(author)
    locked = await lock_visible_post(post)
    root_id: uuid.UUID | None = None
    if parent_id is not None:
        target = await Comment.filter(id=parent_id, post_id=locked.id).select_for_update().first()
        if target is None or target.is_deleted:
            raise NotFound("No such comment on this post", code="parent_not_found")
        root_id = target.parent_id or target.id
        await Comment.filter(id=root_id).update(reply_count=F("reply_count") + 1)
    now = ctx.now()
    comment = await Comment.create(
        id=uuid.uuid4(),
        post_id=locked.id,
        parent_id=root_id,
        author_id=author_id,
        content=content,
        created_at=now,
    )
    await _write_nft(comment, now=now, create=True)
    await events.outbox.add(events.POST_COMMENT_CREATED, comment_event_data(comment, locked))
    return comment


async def _locked_comment(comment_id: uuid.UUID) -> tuple[Comment, Post]:
    """The live comment and its POSTED post, both held until commit (post first)."""
    found = await Comment.get_or_none(id=comment_id)
    if found is None:
        raise comment_not_found()
    post = await lock_visible_post(found.post_id)
    comment = await Comment.filter(id=comment_id).select_for_update().first()
    if comment is None or comment.is_deleted:
        raise comment_not_found()
    return comment, post


async def edit_comment(
    ctx: InteractionContext, *, comment_id: uuid.UUID, editor: Identity, content: str | None
) -> Comment:
    """Change a comment's content (its author only); records ``edited_at``."""
    refuse_silenced(editor)
    await hold_writer(editor)
    comment, post = await _locked_comment(comment_id)
    if str(comment.author_id) != editor.id:
        raise Forbidden("Only the author may edit this comment", code="not_comment_author")
    if content is None or content == comment.content:
        return comment
    now = ctx.now()
    comment.content = content
    comment.edited_at = now
    await comment.save(update_fields=["content", "edited_at"])
    await _write_nft(comment, now=now, create=False)
    await events.outbox.add(events.POST_COMMENT_UPDATED, comment_event_data(comment, post))
    return comment


def _deletion_reason(comment: Comment, post: Post, actor: Identity) -> DeletionReason:
    if str(comment.author_id) == actor.id:
        return DeletionReason.AUTHOR
    if str(post.author_id) == actor.id:
        return DeletionReason.POST_AUTHOR
    if actor.role == "admin":
        return DeletionReason.ADMIN
    if actor.role == "moderator":
        return DeletionReason.MODERATOR
    raise Forbidden(
        "Only the author, the post's author, a moderator or an admin may delete this comment",
        code="not_allowed",
    )


async def _soft_delete(
    comment: Comment, post: Post, *, reason: DeletionReason, now: datetime
) -> None:
    """Turn a live, locked comment into a tombstone; its replies stay."""
    comment.content = None
    comment.deleted_at = now
    comment.deleted_reason = reason
    await comment.save(update_fields=["content", "deleted_at", "deleted_reason"])
    if comment.parent_id is not None:
        await Comment.filter(id=comment.parent_id, reply_count__gt=0).update(
            reply_count=F("reply_count") - 1
        )
    await CommentNFT.filter(comment_id=comment.id).delete()
    await events.outbox.add(
        events.POST_COMMENT_DELETED,
        _deleted_event_data(
            comment.id,
            post,
            author_id=comment.author_id,
            parent_id=comment.parent_id,
            reason=reason,
        ),
    )


async def delete_comment(
    ctx: InteractionContext, *, comment_id: uuid.UUID, actor: Identity
) -> DeletionReason:
    """Delete a comment: its author, the post's author, a moderator or an admin."""
    comment, post = await _locked_comment(comment_id)
    reason = _deletion_reason(comment, post, actor)
    await _soft_delete(comment, post, reason=reason, now=ctx.now())
    return reason


async def remove_by_moderation(
    ctx: InteractionContext, *, comment_id: uuid.UUID
) -> tuple[Comment | None, bool]:
    """Delete a comment moderation asked to remove. Returns the comment (None if unknown here)
    and whether this call removed it (False: it was already gone)."""
    comment = await Comment.filter(id=comment_id).select_for_update().first()
    if comment is None or comment.is_deleted:
        return comment, False
    post = await Post.get(id=comment.post_id)
    await _soft_delete(comment, post, reason=DeletionReason.MODERATION, now=ctx.now())
    return comment, True


async def remove_post_comments(post: Post) -> int:
    """``post_deleted``: remove every comment of the post (rows, NFTs), one event per comment
    that was still live. Returns how many live comments went."""
    conn = connections.get("default")
    # Replies first, then the top-level comments: both through the keyset indexes.
    rows = await conn.execute_query_dict(
        "DELETE FROM interaction_comment WHERE parent_id IN ("
        "SELECT id FROM interaction_comment WHERE post_id = $1 AND parent_id IS NULL) "
        "RETURNING id, author_id, parent_id, deleted_at",
        [post.id],
    )
    rows += await conn.execute_query_dict(
        "DELETE FROM interaction_comment WHERE post_id = $1 AND parent_id IS NULL "
        "RETURNING id, author_id, parent_id, deleted_at",
        [post.id],
    )
    live = [row for row in rows if row["deleted_at"] is None]
    for row in live:
        await events.outbox.add(
            events.POST_COMMENT_DELETED,
            _deleted_event_data(
                row["id"],
                post,
                author_id=row["author_id"],
                parent_id=row["parent_id"],
                reason=DeletionReason.POST_DELETED,
            ),
        )
    return len(live)


async def remove_user_comments(user_id: uuid.UUID, *, now: datetime) -> int:
    """``user_deleted``: every live comment of the user becomes a tombstone (replies by others
    keep their thread), one event each. Returns how many."""
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        "UPDATE interaction_comment SET content = NULL, deleted_at = $2, deleted_reason = $3 "
        "WHERE author_id = $1 AND deleted_at IS NULL RETURNING id, post_id, parent_id",
        [user_id, now, DeletionReason.ACCOUNT_DELETED.value],
    )
    if not rows:
        return 0
    replies_per_parent = Counter(row["parent_id"] for row in rows if row["parent_id"])
    if replies_per_parent:
        await conn.execute_query(
            "UPDATE interaction_comment AS c "
            "SET reply_count = GREATEST(c.reply_count - d.n, 0) "
            "FROM unnest($1::uuid[], $2::int[]) AS d(id, n) WHERE c.id = d.id",
            [list(replies_per_parent), list(replies_per_parent.values())],
        )
    await CommentNFT.filter(comment_id__in=[row["id"] for row in rows]).delete()
    posts = {p.id: p for p in await Post.filter(id__in={row["post_id"] for row in rows})}
    for row in rows:
        await events.outbox.add(
            events.POST_COMMENT_DELETED,
            _deleted_event_data(
                row["id"],
                posts[row["post_id"]],
                author_id=user_id,
                parent_id=row["parent_id"],
                reason=DeletionReason.ACCOUNT_DELETED,
            ),
        )
    return len(rows)


# --- reads ------------------------------------------------------------------------------------


async def get_comment(comment_id: uuid.UUID) -> Comment:
    """A comment (live or tombstone) of a POSTED post."""
    comment = await Comment.get_or_none(id=comment_id)
    if comment is None:
        raise comment_not_found()
    await get_visible_post(comment.post_id)
    return comment


async def list_comments(
    post_id: uuid.UUID, *, page: PageParams
) -> tuple[list[Comment], str | None]:
    """Top-level comments, oldest first; a deleted one stays as a tombstone while it has
    live replies."""
    query = Comment.filter(post_id=post_id, parent_id__isnull=True).filter(
        Q(deleted_at__isnull=True) | Q(reply_count__gt=0)
    )
    return await keyset_page(query, page, order_by=OLDEST_FIRST)


async def list_replies(
    comment_id: uuid.UUID, *, page: PageParams
) -> tuple[list[Comment], str | None]:
    """Live replies of a comment, oldest first (a reply has none: nesting is one level)."""
    await get_comment(comment_id)
    query = Comment.filter(parent_id=comment_id, deleted_at__isnull=True)
    return await keyset_page(query, page, order_by=OLDEST_FIRST)


async def get_comment_nft(comment_id: uuid.UUID) -> CommentNFT:
    comment = await get_comment(comment_id)
    record = await CommentNFT.get_or_none(comment_id=comment.id)
    if record is None:  # a deleted comment's metadata (its content) is erased with it
        raise NotFound("This comment has no NFT record", code="nft_not_found")
    return record


async def describe(
    comments: Sequence[Comment],
) -> tuple[dict[uuid.UUID, str | None], set[uuid.UUID]]:
    """What a page of comments shows besides its rows: authors' display names and which of
    their parents are deleted."""
    names = await display_names(c.author_id for c in comments if not c.is_deleted)
    parent_ids = {c.parent_id for c in comments if c.parent_id is not None}
    deleted_parents: set[uuid.UUID] = set()
    if parent_ids:
        rows = await Comment.filter(id__in=parent_ids, deleted_at__isnull=False).values("id")
        deleted_parents = {row["id"] for row in rows}
    return names, deleted_parents
