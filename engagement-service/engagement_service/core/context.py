"""What the engagement service's endpoints and handlers need, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis

from chassis.clock import Clock
from chassis.service import Resources
from engagement_service.notifications.live import LiveStreams
from engagement_service.notifications.push import PushDelivery, load_push_delivery
from engagement_service.settings import EngagementSettings


@dataclass
class EngagementContext:
    settings: EngagementSettings
    redis: Redis
    push: PushDelivery
    clock: Clock
    live: LiveStreams

    def now(self) -> datetime:
        return self.clock.now()


def build_context(resources: Resources) -> EngagementContext:
    settings = resources.settings
    assert isinstance(settings, EngagementSettings)
    return EngagementContext(
        settings=settings,
        redis=resources.redis,
        push=load_push_delivery(settings.push_delivery_class, settings),
        clock=Clock(),
        live=LiveStreams(resources.redis, settings=settings, verifier=resources.token_verifier),
    )


async def install_context(resources: Resources) -> None:
    resources.extras["engagement"] = build_context(resources)


def context_of(resources: Resources) -> EngagementContext:
    context: EngagementContext = resources.extras["engagement"]
    return context


async def get_context(request: Request) -> EngagementContext:
    return context_of(request.app.state.resources)


Ctx = Annotated[EngagementContext, Depends(get_context)]
