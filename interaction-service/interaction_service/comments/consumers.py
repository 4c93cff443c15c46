"""Moderation's removal requests for comments, translated into this service's own calls."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope, Handler
from interaction_service.comments import service
from interaction_service.core import events
from interaction_service.core.context import InteractionContext


class RemovalRequest(BaseModel):
    """``content_removal_requested``."""

    model_config = ConfigDict(extra="ignore")

    moderation_id: uuid.UUID
    content_type: Literal["POST", "COMMENT"]
    content_id: uuid.UUID
    author_id: uuid.UUID
    reason: str


def content_removal_handler(ctx: InteractionContext) -> Handler:
    async def on_content_removal_requested(event: Envelope) -> None:
        request = RemovalRequest.model_validate(event.data)
        if request.content_type != "COMMENT":
            return  # posts are the post service's to remove
        comment, removed = await service.remove_by_moderation(ctx, comment_id=request.content_id)
        # Written after the comment's own post_comment_deleted, in the same transaction.
        await events.outbox.add(
            events.CONTENT_REMOVED,
            {
                "moderation_id": str(request.moderation_id),
                "content_type": "COMMENT",
                "content_id": str(request.content_id),
                "author_id": str(comment.author_id if comment else request.author_id),
                "post_id": str(comment.post_id) if comment else None,
                "reason": request.reason,
                "already_gone": not removed,
            },
        )

    return on_content_removal_requested
