"""The events comments answer: moderation's removal requests, and the removal of a post or an
account (after the posts' and users' tombstones, see ``core/service.py``)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope
from chassis.events.registry import Consumers
from interaction_service.comments import service
from interaction_service.core.context import InteractionContext
from interaction_service.core.events import EVENTS

consumers = Consumers[InteractionContext]()


class RemovalRequest(BaseModel):
    """``content_removal_requested``."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    moderation_id: uuid.UUID
    content_type: Literal["POST", "COMMENT"]
    content_id: uuid.UUID
    author_id: uuid.UUID
    reason: str


class PostDeleted(BaseModel):
    """``post_deleted``: the post whose comments go."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    post_id: uuid.UUID


class UserDeleted(BaseModel):
    """``user_deleted``: the author whose comments become tombstones."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    user_id: uuid.UUID


@consumers.on(EVENTS.content_removal_requested)
async def on_content_removal_requested(ctx: InteractionContext, event: Envelope) -> None:
    request = RemovalRequest.model_validate(event.data)
    if request.content_type != "COMMENT":
        return  # posts are the post service's to remove
    await service.remove_by_moderation(
        ctx,
        moderation_id=request.moderation_id,
        comment_id=request.content_id,
        author_id=request.author_id,
        reason=request.reason,
    )


@consumers.on(EVENTS.post_deleted)
async def on_post_deleted(ctx: InteractionContext, event: Envelope) -> None:
    await service.remove_post_comments(PostDeleted.model_validate(event.data).post_id)


@consumers.on(EVENTS.user_deleted)
async def on_user_deleted(ctx: InteractionContext, event: Envelope) -> None:
    gone = UserDeleted.model_validate(event.data)
    await service.remove_user_comments(gone.user_id, now=ctx.now())
