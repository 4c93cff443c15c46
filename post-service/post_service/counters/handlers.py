"""The interaction service's events, translated into counted items."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope
from post_service.counters import service
from post_service.counters.models import ItemKind


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


async def on_comment_created(event: Envelope) -> None:
    data = CommentEvent.model_validate(event.data)
    await service.record_created(
        kind=ItemKind.COMMENT,
        item_id=data.comment_id,
        post_id=data.post_id,
        positive=False,
        at=event.occurred_at,
    )


async def on_comment_updated(event: Envelope) -> None:
    data = CommentEvent.model_validate(event.data)
    await service.record_changed(
        kind=ItemKind.COMMENT,
        item_id=data.comment_id,
        post_id=data.post_id,
        positive=False,
        at=event.occurred_at,
    )


async def on_comment_deleted(event: Envelope) -> None:
    data = CommentEvent.model_validate(event.data)
    await service.record_deleted(
        kind=ItemKind.COMMENT, item_id=data.comment_id, post_id=data.post_id, at=event.occurred_at
    )


async def on_reaction_created(event: Envelope) -> None:
    data = ReactionEvent.model_validate(event.data)
    await service.record_created(
        kind=ItemKind.REACTION,
        item_id=data.reaction_id,
        post_id=data.post_id,
        positive=service.is_positive(data.type),
        at=event.occurred_at,
    )


async def on_reaction_updated(event: Envelope) -> None:
    data = ReactionEvent.model_validate(event.data)
    await service.record_changed(
        kind=ItemKind.REACTION,
        item_id=data.reaction_id,
        post_id=data.post_id,
        positive=service.is_positive(data.type),
        at=event.occurred_at,
    )


async def on_reaction_deleted(event: Envelope) -> None:
    data = ReactionEvent.model_validate(event.data)
    await service.record_deleted(
        kind=ItemKind.REACTION, item_id=data.reaction_id, post_id=data.post_id, at=event.occurred_at
    )


async def on_post_viewed(event: Envelope) -> None:
    data = PostViewed.model_validate(event.data)
    await service.record_created(
        kind=ItemKind.VIEW,
        item_id=data.view_id,
        post_id=data.post_id,
        positive=False,
        at=event.occurred_at,
    )
