"""The post service's events, translated into calls of this service's own functions."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope, Handler
from interaction_service.comments import service as comments
from interaction_service.core.context import InteractionContext
from interaction_service.posts import service
from interaction_service.posts.models import PostStatus
from interaction_service.reactions import service as reactions
from interaction_service.views import service as views


class PostState(BaseModel):
    """``post_created`` and ``post_updated``: the fields this service keeps."""

    model_config = ConfigDict(extra="ignore")

    post_id: uuid.UUID
    author_id: uuid.UUID
    categories: list[str]
    status: PostStatus
    updated_at: datetime


class PostGone(BaseModel):
    """``post_deleted``."""

    model_config = ConfigDict(extra="ignore")

    post_id: uuid.UUID
    author_id: uuid.UUID
    categories: list[str]
    status: PostStatus


async def on_post_state(event: Envelope) -> None:
    state = PostState.model_validate(event.data)
    await service.apply_post_state(
        post_id=state.post_id,
        author_id=state.author_id,
        status=state.status,
        categories=state.categories,
        updated_at=state.updated_at,
    )


def post_deleted_handler(ctx: InteractionContext) -> Handler:
    async def on_post_deleted(event: Envelope) -> None:
        gone = PostGone.model_validate(event.data)
        # The tombstone first: it waits for in-flight writes on this post, and turns later
        # ones away, so the removals below see everything that will ever be written.
        post = await service.tombstone_post(
            post_id=gone.post_id,
            author_id=gone.author_id,
            status=gone.status,
            categories=gone.categories,
            now=ctx.now(),
        )
        await comments.remove_post_comments(post)
        await reactions.remove_post_reactions(post)
        await views.remove_post_views(post.id)

    return on_post_deleted
