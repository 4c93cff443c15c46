"""What the engagement service's endpoints and handlers need, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from redis.asyncio import Redis

from chassis.clock import Clock
from chassis.service import ContextDep, Resources
from engagement_service.notifications.live import LiveStreams
from engagement_service.notifications.push import PushDelivery, load_push_delivery
from engagement_service.settings import EngagementSettings


@dataclass
class EngagementContext:
    settings: EngagementSettings
    redis: Redis
    push: PushDelivery
    clock: Clock
    # This process's open SSE streams and their Redis reader (ended by the notifications
    # router's lifespan at shutdown).
    live: LiveStreams

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def reaction_window(self) -> timedelta:
        """Reactions to one post within this long of a group's first share its notification."""
        return timedelta(seconds=self.settings.reaction_group_window_seconds)


async def build_context(resources: Resources) -> EngagementContext:
    settings = resources.settings
    assert isinstance(settings, EngagementSettings)
    return EngagementContext(
        settings=settings,
        redis=resources.redis,
        push=load_push_delivery(settings.push_delivery_class, settings),
        clock=Clock(),
        live=LiveStreams(resources.redis, settings=settings, verifier=resources.token_verifier),
    )


Ctx = Annotated[EngagementContext, ContextDep]
