"""Posts and comments from the post and interaction services' events, screened as they come.

Each event has this service's own model of its ``data`` (only the fields used; the contract
tests check them against ``contracts/events``). Handlers run inside the consumer's
transaction, once per event id (the chassis records processed events).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope
from chassis.events.registry import Consumers
from moderation_service.analysis.analyzer import analysed_text
from moderation_service.core.context import ModerationContext
from moderation_service.core.events import EVENTS
from moderation_service.core.vocabulary import ContentType, PostStatus
from moderation_service.screening import service

consumers = Consumers[ModerationContext]()

# Fields the producers may add later are ignored, not an error.
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


class CommentCreated(BaseModel):
    model_config = _TOLERANT
    comment_id: uuid.UUID
    post_id: uuid.UUID
    author_id: uuid.UUID
    content: str
    created_at: datetime


class CommentUpdated(CommentCreated):
    edited_at: datetime


# Text edits are analysed again; a change of categories or status alone is not.
TEXT_FIELDS = frozenset({"title", "content"})


def analysable_text(event: Envelope) -> str | None:
    """The text an event will have analysed, if any (for priming a batch)."""
    data = event.data
    if event.type in (EVENTS.post_created, EVENTS.post_updated):
        return analysed_text(data.get("title"), data.get("content") or "")
    if event.type in (EVENTS.post_comment_created, EVENTS.post_comment_updated):
        return str(data.get("content") or "")
    return None


async def prime_batch(ctx: ModerationContext, batch: list[Envelope]) -> None:
    """Score the texts of a batch of events in one model call before they are handled one by
    one: one call for 50 texts costs about what one call for one text does. The consumer's
    ``before_batch`` hook (``core/service.py``), run once per read, outside its transaction."""
    texts = [text for text in map(analysable_text, batch) if text]
    if texts:
        await ctx.analyzer.prime(texts)


@consumers.on(EVENTS.post_created)
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


@consumers.on(EVENTS.post_updated)
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


@consumers.on(EVENTS.post_comment_created)
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


@consumers.on(EVENTS.post_comment_updated)
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
