"""The interaction service's events, translated into counted items."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope
from chassis.events.registry import Consumers
from post_service.core.context import PostContext
from post_service.core.events import EVENTS
from post_service.counters import service
from post_service.counters.models import ItemKind

consumers = Consumers[PostContext]()


class _Event(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class CommentEvent(_Event):
    """``post_comment_created`` / ``_updated`` / ``_deleted``."""

    comment_id: uuid.UUID
    post_id: uuid.UUID


class ReactionEvent(_Event):
    """``post_reaction_created`` / ``_updated`` / ``_deleted``; ``type`` is the current one."""

    reaction_id: uuid.UUID
    post_id: uuid.UUID
    type: str


class PostViewed(_Event):
    view_id: uuid.UUID
    post_id: uuid.UUID


@consumers.on(EVENTS.post_comment_created)
async def on_comment_created(ctx: PostContext, event: Envelope) -> None:
    data = CommentEvent.model_validate(event.data)
    await service.record_created(
        kind=ItemKind.COMMENT,
        item_id=data.comment_id,
        post_id=data.post_id,
        positive=False,
        at=event.occurred_at,
    )


@consumers.on(EVENTS.post_comment_updated)
async def on_comment_updated(ctx: PostContext, event: Envelope) -> None:
    data = CommentEvent.model_validate(event.data)
    await service.record_changed(
        kind=ItemKind.COMMENT,
        item_id=data.comment_id,
        post_id=data.post_id,
        positive=False,
        at=event.occurred_at,
    )


@consumers.on(EVENTS.post_comment_deleted)
async def on_comment_deleted(ctx: PostContext, event: Envelope) -> None:
    data = CommentEvent.model_validate(event.data)
    await service.record_deleted(
        kind=ItemKind.COMMENT, item_id=data.comment_id, post_id=data.post_id, at=event.occurred_at
    )


@consumers.on(EVENTS.post_reaction_created)
async def on_reaction_created(ctx: PostContext, event: Envelope) -> None:
    data = ReactionEvent.model_validate(event.data)
    await service.record_created(
        kind=ItemKind.REACTION,
        item_id=data.reaction_id,
        post_id=data.post_id,
        positive=service.is_positive(data.type),
        at=event.occurred_at,
    )


@consumers.on(EVENTS.post_reaction_updated)
async def on_reaction_updated(ctx: PostContext, event: Envelope) -> None:
    data = ReactionEvent.model_validate(event.data)
    await service.record_changed(
        kind=ItemKind.REACTION,
        item_id=data.reaction_id,
        post_id=data.post_id,
        positive=service.is_positive(data.type),
        at=event.occurred_at,
    )


@consumers.on(EVENTS.post_reaction_deleted)
async def on_reaction_deleted(ctx: PostContext, event: Envelope) -> None:
    data = ReactionEvent.model_validate(event.data)
    await service.record_deleted(
        kind=ItemKind.REACTION, item_id=data.reaction_id, post_id=data.post_id, at=event.occurred_at
    )


@consumers.on(EVENTS.post_viewed)
async def on_post_viewed(ctx: PostContext, event: Envelope) -> None:
    data = PostViewed.model_validate(event.data)
    await service.record_created(
        kind=ItemKind.VIEW,
        item_id=data.view_id,
        post_id=data.post_id,
        positive=False,
        at=event.occurred_at,
    )
