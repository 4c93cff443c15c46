"""What the interaction service's endpoints and handlers need, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import httpx

from chassis.clock import Clock
from chassis.ratelimit import RateLimiter
from chassis.service import ContextDep, Resources
from interaction_service.settings import InteractionSettings


@dataclass
class InteractionContext:
    settings: InteractionSettings
    http: httpx.AsyncClient
    limiter: RateLimiter
    clock: Clock

    def now(self) -> datetime:
        return self.clock.now()


async def build_context(resources: Resources) -> InteractionContext:
    settings = resources.settings
    assert isinstance(settings, InteractionSettings)
    return InteractionContext(
        settings=settings,
        http=resources.http,
        limiter=RateLimiter(resources.redis, prefix="interaction"),
        clock=Clock(),
    )


Ctx = Annotated[InteractionContext, ContextDep]
