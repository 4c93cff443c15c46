"""Notifications that follow from an event alone: a moderation removal, a deleted post, a
deleted account. (Notifications that depend on what an event changed, a comment or reaction
that now counts, a connection made or removed, are handed over by the handlers that record
the change: ``activity/consumers.py`` and ``users/consumers.py``.)"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope
from chassis.events.registry import Consumers
from engagement_service.core.context import EngagementContext
from engagement_service.core.events import EVENTS
from engagement_service.notifications import service

consumers = Consumers[EngagementContext]()


class EventData(BaseModel):
    """A tolerant reader: fields this service does not need are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class PostDeleted(EventData):
    post_id: uuid.UUID


class UserDeleted(EventData):
    user_id: uuid.UUID


class ContentRemoved(EventData):
    moderation_id: uuid.UUID
    content_type: Literal["POST", "COMMENT"]
    content_id: uuid.UUID
    author_id: uuid.UUID
    post_id: uuid.UUID | None
    reason: str
    already_gone: bool


@consumers.on(EVENTS.post_deleted)
async def on_post_deleted(ctx: EngagementContext, event: Envelope) -> None:
    """The post's unread notifications are withdrawn."""
    await service.withdraw_about_post(PostDeleted.model_validate(event.data).post_id)


@consumers.on(EVENTS.user_deleted)
async def on_user_deleted(ctx: EngagementContext, event: Envelope) -> None:
    """The user's notifications and live stream go, and so do the unread notices that say
    they connected with someone."""
    await service.forget_user(UserDeleted.model_validate(event.data).user_id)


@consumers.on(EVENTS.content_removed)
async def on_content_removed(ctx: EngagementContext, event: Envelope) -> None:
    data = ContentRemoved.model_validate(event.data)
    await service.notify_content_removed(
        author_id=data.author_id,
        moderation_id=data.moderation_id,
        post_id=data.post_id,
        content_type=data.content_type,
        content_id=data.content_id,
        reason=data.reason,
        already_gone=data.already_gone,
        now=ctx.now(),
    )
