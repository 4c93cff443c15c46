"""The removal of a post or an account takes its views with it (after the posts' and
users' tombstones, see ``core/service.py``)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope
from chassis.events.registry import Consumers
from interaction_service.core.context import InteractionContext
from interaction_service.core.events import EVENTS
from interaction_service.views import service

consumers = Consumers[InteractionContext]()


class PostDeleted(BaseModel):
    """``post_deleted``: the post whose views are forgotten."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    post_id: uuid.UUID


class UserDeleted(BaseModel):
    """``user_deleted``: the user whose views are forgotten."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    user_id: uuid.UUID


@consumers.on(EVENTS.post_deleted)
async def on_post_deleted(ctx: InteractionContext, event: Envelope) -> None:
    await service.remove_post_views(PostDeleted.model_validate(event.data).post_id)


@consumers.on(EVENTS.user_deleted)
async def on_user_deleted(ctx: InteractionContext, event: Envelope) -> None:
    await service.remove_user_views(UserDeleted.model_validate(event.data).user_id)
