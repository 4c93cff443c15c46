"""What the auth service's endpoints and handlers need, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from auth_service.core.mail import Mailer, build_mailer
from auth_service.core.security import Passwords, Tokens
from auth_service.settings import AuthSettings
from chassis.clock import Clock
from chassis.ratelimit import RateLimiter
from chassis.service import Resources


@dataclass
class AuthContext:
    settings: AuthSettings
    passwords: Passwords
    tokens: Tokens
    mailer: Mailer
    limiter: RateLimiter
    clock: Clock

    def now(self) -> datetime:
        return self.clock.now()


async def install_context(resources: Resources) -> None:
    settings = resources.settings
    assert isinstance(settings, AuthSettings)
    resources.extras["auth"] = AuthContext(
        settings=settings,
        passwords=Passwords(settings),
        tokens=Tokens(settings),
        mailer=build_mailer(settings),
        limiter=RateLimiter(resources.redis, prefix="auth"),
        clock=Clock(),
    )


async def get_context(request: Request) -> AuthContext:
    context: AuthContext = request.app.state.resources.extras["auth"]
    return context


Ctx = Annotated[AuthContext, Depends(get_context)]
