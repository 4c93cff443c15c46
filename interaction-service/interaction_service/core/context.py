"""What the interaction service's endpoints and handlers need, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import httpx
from fastapi import Depends, Request

from chassis.clock import Clock
from chassis.ratelimit import RateLimiter
from chassis.service import Resources
from interaction_service.settings import InteractionSettings

CONTEXT_KEY = "interaction"


@dataclass
class InteractionContext:
    settings: InteractionSettings
    http: httpx.AsyncClient
    limiter: RateLimiter
    clock: Clock

    def now(self) -> datetime:
        return self.clock.now()


async def install_context(resources: Resources) -> None:
    settings = resources.settings
    assert isinstance(settings, InteractionSettings)
    resources.extras[CONTEXT_KEY] = InteractionContext(
        settings=settings,
        http=resources.http,
        limiter=RateLimiter(resources.redis, prefix="interaction"),
        clock=Clock(),
    )


def context_of(resources: Resources) -> InteractionContext:
    context: InteractionContext = resources.extras[CONTEXT_KEY]
    return context


async def get_context(request: Request) -> InteractionContext:
    return context_of(request.app.state.resources)


Ctx = Annotated[InteractionContext, Depends(get_context)]
