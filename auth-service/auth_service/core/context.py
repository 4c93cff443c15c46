"""What the auth service's endpoints and jobs need, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from auth_service.core.mail import Mailer, build_mailer
from auth_service.core.security import Passwords, Tokens
from auth_service.settings import AuthSettings
from chassis.clock import Clock
from chassis.ratelimit import RateLimiter
from chassis.service import ContextDep, Resources


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


async def build_context(resources: Resources) -> AuthContext:
    settings = resources.settings
    assert isinstance(settings, AuthSettings)
    return AuthContext(
        settings=settings,
        passwords=Passwords(settings),
        tokens=Tokens(settings),
        mailer=build_mailer(settings),
        limiter=RateLimiter(resources.redis, prefix="auth"),
        clock=Clock(),
    )


Ctx = Annotated[AuthContext, ContextDep]
