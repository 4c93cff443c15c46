"""Comments, replies and their NFT records. Runs inside the caller's transaction.

Lock order, the same everywhere so that writes never deadlock one another: the writer's user
row, then the post's row (both ``FOR SHARE``), then the comment, then its top-level parent.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from redis.exceptions import RedisError

from chassis.errors import Forbidden, NotFound
from chassis.pagination import PageParams
from chassis.tokens import Identity
from interaction_service.comments import nft, queries
from interaction_service.comments.models import Comment, CommentNFT, DeletionReason
from interaction_service.comments.rules import (
    comment_event_data,
    content_removed_data,
    deleted_event_data,
    deletion_reason,
    iso,
    replies_per_parent,
    thread_root,
)
from interaction_service.core.context import InteractionContext
from interaction_service.core.events import EVENTS, outbox
from interaction_service.posts.models import Post
from interaction_service.posts.service import (
    PostRef,
    get_visible_post,
    known_post,
    lock_visible_post,
    posts_by_id,
)
from interaction_service.users.service import (
    display_names,
    hold_writer,
    identity_id,
    refuse_silenced,
)

logger = logging.getLogger("interaction.comments")


def comment_not_found() -> NotFound:
    return NotFound("Comment not found", code="comment_not_found")


async def _write_nft(comment: Comment, *, now: datetime, create: bool) -> None:
    assert comment.content is not None
    metadata = nft.comment_metadata(
        comment_id=str(comment.id),
        post_id=str(comment.post_id),
        author_id=str(comment.author_id),
        parent_id=str(comment.parent_id) if comment.parent_id else None,
        content=comment.content,
        created_at=iso(comment.created_at),
        edited_at=iso(comment.edited_at) if comment.edited_at else None,
    )
    cid, uri = nft.token_uri(metadata)
    write = queries.insert_nft if create else queries.update_nft
    await write(comment.id, cid=cid, token_uri=uri, metadata=metadata, now=now)


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
        target = await queries.lock_comment(parent_id, post_id=locked.id)
        if target is None or target.is_deleted:
            raise NotFound("No such comment on this post", code="parent_not_found")
        root_id = thread_root(comment_id=target.id, parent_id=target.parent_id)
        await queries.add_reply(root_id)
    now = ctx.now()
    comment = await queries.insert_comment(
        post_id=locked.id, parent_id=root_id, author_id=author_id, content=content, created_at=now
    )
    await _write_nft(comment, now=now, create=True)
    await outbox.add(EVENTS.post_comment_created, comment_event_data(comment, locked))
    return comment


async def _locked_comment(comment_id: uuid.UUID) -> tuple[Comment, Post]:
    """The live comment and its POSTED post, both held until commit (post first)."""
    found = await queries.get_comment(comment_id)
    if found is None:
        raise comment_not_found()
    post = await lock_visible_post(found.post_id)
    comment = await queries.lock_comment(comment_id)
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
    if comment.author_id != identity_id(editor):
        raise Forbidden("Only the author may edit this comment", code="not_comment_author")
    if content is None or content == comment.content:
        return comment
    now = ctx.now()
    comment.content = content
    comment.edited_at = now
    await queries.save_content(comment)
    await _write_nft(comment, now=now, create=False)
    await outbox.add(EVENTS.post_comment_updated, comment_event_data(comment, post))
    return comment


async def _soft_delete(
    comment: Comment, post: Post, *, reason: DeletionReason, now: datetime
) -> None:
    """Turn a live, locked comment into a tombstone; its replies stay."""
    comment.content = None
    comment.deleted_at = now
    comment.deleted_reason = reason
    await queries.save_tombstone(comment)
    if comment.parent_id is not None:
        await queries.remove_reply(comment.parent_id)
    await queries.delete_nfts([comment.id])
    await outbox.add(
        EVENTS.post_comment_deleted,
        deleted_event_data(
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
    reason = deletion_reason(
        comment_author_id=comment.author_id,
        post_author_id=post.author_id,
        actor_id=identity_id(actor),
        actor_role=actor.role,
    )
    if reason is None:
        raise Forbidden(
            "Only the author, the post's author, a moderator or an admin may delete this comment",
            code="not_allowed",
        )
    await _soft_delete(comment, post, reason=reason, now=ctx.now())
    return reason


async def remove_by_moderation(
    ctx: InteractionContext,
    *,
    moderation_id: uuid.UUID,
    comment_id: uuid.UUID,
    author_id: uuid.UUID,
    reason: str,
) -> bool:
    """Delete a comment moderation asked to remove and answer with ``content_removed`` (also
    when it was already gone, or never known here). Returns whether this call removed it."""
    comment = await queries.lock_comment(comment_id)
    removed = comment is not None and not comment.is_deleted
    if comment is not None and removed:
        post = await known_post(comment.post_id)
        await _soft_delete(comment, post, reason=DeletionReason.MODERATION, now=ctx.now())
    # Written after the comment's own post_comment_deleted, in the same transaction. The
    # comment's own author and post when it is known here, else the author moderation named.
    await outbox.add(
        EVENTS.content_removed,
        content_removed_data(
            moderation_id=moderation_id,
            comment_id=comment_id,
            author_id=comment.author_id if comment else author_id,
            post_id=comment.post_id if comment else None,
            reason=reason,
            removed=removed,
        ),
    )
    return removed


async def remove_post_comments(post_id: uuid.UUID) -> int:
    """``post_deleted``: remove every comment of the (tombstoned) post, rows and NFTs, one
    event per comment that was still live. Returns how many live comments went."""
    post = await known_post(post_id)
    rows = await queries.delete_post_comments(post.id)
    live = [row for row in rows if row["deleted_at"] is None]
    for row in live:
        await outbox.add(
            EVENTS.post_comment_deleted,
            deleted_event_data(
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
    reason = DeletionReason.ACCOUNT_DELETED
    rows = await queries.tombstone_author_comments(user_id, deleted_at=now, reason=reason)
    if not rows:
        return 0
    await queries.remove_replies(replies_per_parent(rows))
    await queries.delete_nfts(row["id"] for row in rows)
    posts = await posts_by_id({row["post_id"] for row in rows})
    for row in rows:
        await outbox.add(
            EVENTS.post_comment_deleted,
            deleted_event_data(
                row["id"],
                posts[row["post_id"]],
                author_id=user_id,
                parent_id=row["parent_id"],
                reason=reason,
            ),
        )
    return len(rows)


# --- reads ------------------------------------------------------------------------------------


async def get_comment(comment_id: uuid.UUID) -> Comment:
    """A comment (live or tombstone) of a POSTED post."""
    comment = await queries.get_comment(comment_id)
    if comment is None:
        raise comment_not_found()
    await get_visible_post(comment.post_id)
    return comment


async def list_comments(
    post_id: uuid.UUID, *, page: PageParams
) -> tuple[list[Comment], str | None]:
    """Top-level comments, oldest first; a deleted one stays as a tombstone while it has
    live replies."""
    return await queries.page_top_level(post_id, page)


async def list_replies(
    comment_id: uuid.UUID, *, page: PageParams
) -> tuple[list[Comment], str | None]:
    """Live replies of a comment, oldest first (a reply has none: nesting is one level)."""
    await get_comment(comment_id)
    return await queries.page_live_replies(comment_id, page)


async def get_comment_nft(comment_id: uuid.UUID) -> CommentNFT:
    comment = await get_comment(comment_id)
    record = await queries.get_nft(comment.id)
    if record is None:  # a deleted comment's metadata (its content) is erased with it
        raise NotFound("This comment has no NFT record", code="nft_not_found")
    return record


async def describe(
    comments: Sequence[Comment],
) -> tuple[dict[uuid.UUID, str | None], set[uuid.UUID]]:
    """What a page of comments shows besides its rows: authors' display names and which of
    their parents are deleted."""
    names = await display_names(c.author_id for c in comments if not c.is_deleted)
    deleted_parents = await queries.deleted_among(
        c.parent_id for c in comments if c.parent_id is not None
    )
    return names, deleted_parents
