"""What the post service's endpoints need, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from chassis.ratelimit import RateLimiter
from chassis.service import Resources
from post_service.settings import PostSettings


@dataclass
class PostContext:
    settings: PostSettings
    limiter: RateLimiter


async def install_context(resources: Resources) -> None:
    settings = resources.settings
    assert isinstance(settings, PostSettings)
    resources.extras["post"] = PostContext(
        settings=settings, limiter=RateLimiter(resources.redis, prefix="post")
    )


async def get_context(request: Request) -> PostContext:
    context: PostContext = request.app.state.resources.extras["post"]
    return context


Ctx = Annotated[PostContext, Depends(get_context)]
