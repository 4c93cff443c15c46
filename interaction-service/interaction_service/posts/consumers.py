"""The post service's events: the projection's side of them.

``post_deleted`` is handled by several domains, in the order ``core/service.py`` merges them:
this tombstone first, then the comments', reactions' and views' removals.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope
from chassis.events.registry import Consumers
from interaction_service.core.context import InteractionContext
from interaction_service.core.events import EVENTS
from interaction_service.posts import service
from interaction_service.posts.models import PostStatus

consumers = Consumers[InteractionContext]()


class PostState(BaseModel):
    """``post_created`` and ``post_updated``: the fields this service keeps."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    post_id: uuid.UUID
    author_id: uuid.UUID
    categories: list[str]
    status: PostStatus
    updated_at: datetime


class PostGone(BaseModel):
    """``post_deleted``: what the tombstone records when it is the first the service hears."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    post_id: uuid.UUID
    author_id: uuid.UUID
    categories: list[str]
    status: PostStatus


@consumers.on(EVENTS.post_created, EVENTS.post_updated)
async def on_post_state(ctx: InteractionContext, event: Envelope) -> None:
    state = PostState.model_validate(event.data)
    await service.apply_post_state(
        post_id=state.post_id,
        author_id=state.author_id,
        status=state.status,
        categories=state.categories,
        updated_at=state.updated_at,
    )


@consumers.on(EVENTS.post_deleted)
async def on_post_deleted(ctx: InteractionContext, event: Envelope) -> None:
    gone = PostGone.model_validate(event.data)
    # The tombstone first: it waits for in-flight writes on this post, and turns later ones
    # away, so the removals that follow see everything that will ever be written.
    await service.tombstone_post(
        post_id=gone.post_id,
        author_id=gone.author_id,
        status=gone.status,
        categories=gone.categories,
        now=ctx.now(),
    )
