"""The pure part of comments: who may delete, how replies thread, what the events say.

No database here: ``service.py`` applies these to the rows it has locked.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from interaction_service.comments.models import Comment, DeletionReason
from interaction_service.posts.models import Post
from interaction_service.posts.service import PostRef, post_event_fields


def thread_root(*, comment_id: uuid.UUID, parent_id: uuid.UUID | None) -> uuid.UUID:
    """The top-level comment that a reply to this comment belongs under: nesting is one level,
    so a reply to a reply joins its thread's top-level comment."""
    return parent_id if parent_id is not None else comment_id


def deletion_reason(
    *,
    comment_author_id: uuid.UUID,
    post_author_id: uuid.UUID,
    actor_id: uuid.UUID,
    actor_role: str,
) -> DeletionReason | None:
    """Why this actor may delete the comment, first match wins: its author, the post's author,
    an admin, a moderator. None: the actor may not."""
    if actor_id == comment_author_id:
        return DeletionReason.AUTHOR
    if actor_id == post_author_id:
        return DeletionReason.POST_AUTHOR
    if actor_role == "admin":
        return DeletionReason.ADMIN
    if actor_role == "moderator":
        return DeletionReason.MODERATOR
    return None


def replies_per_parent(rows: Iterable[Mapping[str, Any]]) -> Counter[uuid.UUID]:
    """How many of these removed comments were replies, per top-level comment."""
    return Counter(row["parent_id"] for row in rows if row["parent_id"] is not None)


def iso(value: datetime) -> str:
    return value.isoformat()


def comment_event_data(comment: Comment, post: Post | PostRef) -> dict[str, Any]:
    """``post_comment_created`` / ``post_comment_updated`` data (the latter adds edited_at)."""
    data: dict[str, Any] = {
        "comment_id": str(comment.id),
        **post_event_fields(post),
        "author_id": str(comment.author_id),
        "parent_id": str(comment.parent_id) if comment.parent_id else None,
        "content": comment.content,
        "created_at": iso(comment.created_at),
    }
    if comment.edited_at is not None:
        data["edited_at"] = iso(comment.edited_at)
    return data


def deleted_event_data(
    comment_id: uuid.UUID,
    post: Post,
    *,
    author_id: uuid.UUID,
    parent_id: uuid.UUID | None,
    reason: DeletionReason,
) -> dict[str, Any]:
    """``post_comment_deleted`` data."""
    return {
        "comment_id": str(comment_id),
        **post_event_fields(post),
        "author_id": str(author_id),
        "parent_id": str(parent_id) if parent_id else None,
        "reason": reason.value,
    }


def content_removed_data(
    *,
    moderation_id: uuid.UUID,
    comment_id: uuid.UUID,
    author_id: uuid.UUID,
    post_id: uuid.UUID | None,
    reason: str,
    removed: bool,
) -> dict[str, Any]:
    """``content_removed`` for a comment; ``already_gone`` when this call removed nothing."""
    return {
        "moderation_id": str(moderation_id),
        "content_type": "COMMENT",
        "content_id": str(comment_id),
        "author_id": str(author_id),
        "post_id": str(post_id) if post_id else None,
        "reason": reason,
        "already_gone": not removed,
    }
