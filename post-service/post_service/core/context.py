"""What the post service's endpoints and handlers need, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from chassis.ratelimit import RateLimiter
from chassis.service import ContextDep, Resources
from post_service.settings import PostSettings


@dataclass
class PostContext:
    settings: PostSettings
    limiter: RateLimiter


async def build_context(resources: Resources) -> PostContext:
    settings = resources.settings
    assert isinstance(settings, PostSettings)
    return PostContext(settings=settings, limiter=RateLimiter(resources.redis, prefix="post"))


Ctx = Annotated[PostContext, ContextDep]
