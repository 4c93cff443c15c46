"""Deletions from the owning services' and auth's events: content deleted, a removal
confirmed, an account deleted.

Each event has this service's own model of its ``data`` (only the fields used; the contract
tests check them against ``contracts/events``).
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope
from chassis.events.registry import Consumers
from moderation_service.core.context import ModerationContext
from moderation_service.core.events import EVENTS
from moderation_service.core.vocabulary import ContentType
from moderation_service.deletions import service

consumers = Consumers[ModerationContext]()

# Fields the producers may add later are ignored, not an error.
_TOLERANT = ConfigDict(extra="ignore", frozen=True)


class PostDeleted(BaseModel):
    model_config = _TOLERANT
    post_id: uuid.UUID
    reason: str


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


@consumers.on(EVENTS.post_deleted)
async def on_post_deleted(ctx: ModerationContext, event: Envelope) -> None:
    post = PostDeleted.model_validate(event.data)
    await service.mark_content_deleted(
        ctx, content_type=ContentType.POST, content_id=post.post_id, deleted_by=post.reason
    )


@consumers.on(EVENTS.post_comment_deleted)
async def on_comment_deleted(ctx: ModerationContext, event: Envelope) -> None:
    comment = CommentDeleted.model_validate(event.data)
    await service.mark_content_deleted(
        ctx,
        content_type=ContentType.COMMENT,
        content_id=comment.comment_id,
        deleted_by=comment.reason,
    )


@consumers.on(EVENTS.content_removed)
async def on_content_removed(ctx: ModerationContext, event: Envelope) -> None:
    removed = ContentRemoved.model_validate(event.data)
    await service.confirm_removal(
        ctx,
        moderation_id=removed.moderation_id,
        content_type=removed.content_type,
        content_id=removed.content_id,
        already_gone=removed.already_gone,
    )


@consumers.on(EVENTS.user_deleted)
async def on_user_deleted(ctx: ModerationContext, event: Envelope) -> None:
    user = UserDeleted.model_validate(event.data)
    await service.forget_user(ctx, user_id=user.user_id)
