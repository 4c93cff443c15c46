"""Moderation's removal requests for posts (comments belong to the interaction service)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope
from chassis.events.registry import Consumers
from post_service.core.context import PostContext
from post_service.core.events import EVENTS
from post_service.posts import service

consumers = Consumers[PostContext]()


class ContentRemovalRequested(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    moderation_id: uuid.UUID
    content_type: str
    content_id: uuid.UUID
    author_id: uuid.UUID
    reason: str


@consumers.on(EVENTS.content_removal_requested)
async def on_content_removal_requested(ctx: PostContext, event: Envelope) -> None:
    data = ContentRemovalRequested.model_validate(event.data)
    if data.content_type != "POST":
        return
    await service.remove_for_moderation(
        moderation_id=data.moderation_id,
        post_id=data.content_id,
        author_id=data.author_id,
        reason=data.reason,
    )
