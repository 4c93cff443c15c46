"""A deleted account takes its dismissals with it, both ways."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope
from chassis.events.registry import Consumers
from engagement_service.core.context import EngagementContext
from engagement_service.core.events import EVENTS
from engagement_service.recommendations import service

consumers = Consumers[EngagementContext]()


class UserDeleted(BaseModel):
    """``user_deleted``: the user whose dismissals go."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    user_id: uuid.UUID


@consumers.on(EVENTS.user_deleted)
async def on_user_deleted(ctx: EngagementContext, event: Envelope) -> None:
    await service.forget_dismissals(UserDeleted.model_validate(event.data).user_id)
