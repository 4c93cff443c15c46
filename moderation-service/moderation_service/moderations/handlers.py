"""Consumed events, translated at the edge into calls of the service functions.

Each event has this service's own model of its ``data`` (only the fields used; the contract
tests check them against ``contracts/events``). Handlers run inside the consumer's
transaction, once per event id (the chassis records processed events).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope, Handler
from chassis.service import Resources
from chassis.tokens import token_eviction_handler
from moderation_service.analysis.analyzer import analysed_text
from moderation_service.core import events
from moderation_service.core.context import ModerationContext, context_of
from moderation_service.core.vocabulary import ContentType, PostStatus
from moderation_service.moderations import service

# Fields the post service may add later are ignored, not an error.
_TOLERANT = ConfigDict(extra="ignore", frozen=True)


class PostCreated(BaseModel):
    model_config = _TOLERANT
    post_id: uuid.UUID
    author_id: uuid.UUID
    title: str | None
    content: str
    status: PostStatus
    updated_at: datetime


class PostUpdated(PostCreated):
    changed: list[str]


class PostDeleted(BaseModel):
    model_config = _TOLERANT
    post_id: uuid.UUID
    reason: str


class CommentCreated(BaseModel):
    model_config = _TOLERANT
    comment_id: uuid.UUID
    post_id: uuid.UUID
    author_id: uuid.UUID
    content: str
    created_at: datetime


class CommentUpdated(CommentCreated):
    edited_at: datetime


class CommentDeleted(BaseModel):
    model_config = _TOLERANT
    comment_id: uuid.UUID
    reason: str


class ContentRemoved(BaseModel):
    model_config = _TOLERANT
    moderation_id: uuid.UUID
    content_type: ContentType
    content_id: uuid.UUID
    already_gone: bool


class UserDeleted(BaseModel):
    model_config = _TOLERANT
    user_id: uuid.UUID


# Text edits are analysed again; a change of categories or status alone is not.
TEXT_FIELDS = frozenset({"title", "content"})


def build_handlers(resources: Resources) -> dict[str, Handler]:
    ctx = context_of(resources)
    evict = token_eviction_handler(resources.token_verifier)
    return {
        events.POST_CREATED: lambda e: on_post_created(ctx, e),
        events.POST_UPDATED: lambda e: on_post_updated(ctx, e),
        events.POST_DELETED: lambda e: on_post_deleted(ctx, e),
        events.POST_COMMENT_CREATED: lambda e: on_comment_created(ctx, e),
        events.POST_COMMENT_UPDATED: lambda e: on_comment_updated(ctx, e),
        events.POST_COMMENT_DELETED: lambda e: on_comment_deleted(ctx, e),
        events.CONTENT_REMOVED: lambda e: on_content_removed(ctx, e),
        events.USER_DELETED: lambda e: on_user_deleted(ctx, e),
        events.USER_TOKENS_REVOKED: evict,
        events.USER_UPDATED: evict,
    }


def analysable_text(event: Envelope) -> str | None:
    """The text an event will have analysed, if any (for priming a batch)."""
    data = event.data
    if event.type in (events.POST_CREATED, events.POST_UPDATED):
        return analysed_text(data.get("title"), data.get("content") or "")
    if event.type in (events.POST_COMMENT_CREATED, events.POST_COMMENT_UPDATED):
        return str(data.get("content") or "")
    return None


async def prime_batch(ctx: ModerationContext, batch: list[Envelope]) -> None:
    """Score the texts of a batch of events in one model call before they are handled one by
    one: one call for 50 texts costs about what one call for one text does. Meant for a
    consumer hook run once per read batch (see the README: not in the chassis yet)."""
    texts = [text for text in map(analysable_text, batch) if text]
    if texts:
        await ctx.analyzer.prime(texts)


async def on_post_created(ctx: ModerationContext, event: Envelope) -> None:
    post = PostCreated.model_validate(event.data)
    await service.analyse_content(
        ctx,
        content_type=ContentType.POST,
        content_id=post.post_id,
        author_id=post.author_id,
        post_id=None,
        title=post.title,
        content=post.content,
        version_at=post.updated_at,
        post_status=post.status,
    )


async def on_post_updated(ctx: ModerationContext, event: Envelope) -> None:
    post = PostUpdated.model_validate(event.data)
    # Analysed when its text changed, or when this is the first we hear of the post (its
    # post_created is late); any status is analysed, so a draft is judged before it is posted.
    # A change of status alone only updates who may see the post.
    if TEXT_FIELDS.isdisjoint(post.changed) and await service.update_post_status(
        post.post_id, status=post.status, at=post.updated_at
    ):
        return
    await service.analyse_content(
        ctx,
        content_type=ContentType.POST,
        content_id=post.post_id,
        author_id=post.author_id,
        post_id=None,
        title=post.title,
        content=post.content,
        version_at=post.updated_at,
        post_status=post.status,
    )


async def on_post_deleted(ctx: ModerationContext, event: Envelope) -> None:
    post = PostDeleted.model_validate(event.data)
    await service.mark_content_deleted(
        ctx, content_type=ContentType.POST, content_id=post.post_id, deleted_by=post.reason
    )


async def on_comment_created(ctx: ModerationContext, event: Envelope) -> None:
    comment = CommentCreated.model_validate(event.data)
    await service.analyse_content(
        ctx,
        content_type=ContentType.COMMENT,
        content_id=comment.comment_id,
        author_id=comment.author_id,
        post_id=comment.post_id,
        title=None,
        content=comment.content,
        version_at=comment.created_at,
    )


async def on_comment_updated(ctx: ModerationContext, event: Envelope) -> None:
    comment = CommentUpdated.model_validate(event.data)
    await service.analyse_content(
        ctx,
        content_type=ContentType.COMMENT,
        content_id=comment.comment_id,
        author_id=comment.author_id,
        post_id=comment.post_id,
        title=None,
        content=comment.content,
        version_at=comment.edited_at,
    )


async def on_comment_deleted(ctx: ModerationContext, event: Envelope) -> None:
    comment = CommentDeleted.model_validate(event.data)
    await service.mark_content_deleted(
        ctx,
        content_type=ContentType.COMMENT,
        content_id=comment.comment_id,
        deleted_by=comment.reason,
    )


async def on_content_removed(ctx: ModerationContext, event: Envelope) -> None:
    removed = ContentRemoved.model_validate(event.data)
    await service.confirm_removal(
        ctx,
        moderation_id=removed.moderation_id,
        content_type=removed.content_type,
        content_id=removed.content_id,
        already_gone=removed.already_gone,
    )


async def on_user_deleted(ctx: ModerationContext, event: Envelope) -> None:
    user = UserDeleted.model_validate(event.data)
    await service.forget_user(ctx, user_id=user.user_id)
