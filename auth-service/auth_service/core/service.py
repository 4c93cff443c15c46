"""The auth service described once for the chassis: settings, models, routers, context,
(no) consumers and jobs."""

from __future__ import annotations

from pathlib import Path

from auth_service.auth.mails import deliver_queued_mails
from auth_service.auth.router import router as auth_router
from auth_service.auth.service import prune_expired_credentials
from auth_service.core.context import AuthContext, build_context
from auth_service.settings import AuthSettings, get_settings
from auth_service.users.router import router as users_router
from chassis.events.registry import Consumers
from chassis.service import Resources, ScheduledJob, ServiceDefinition

SERVICE_ROOT = Path(__file__).resolve().parents[2]

DESCRIPTION = """
Users, sign-in and tokens, profiles and connections.

Sign in with **Authorize** (username = email) or `POST /api/v1/auth/signin`; every other
service accepts the access token this service issues.
"""


def jobs(resources: Resources) -> list[ScheduledJob]:
    ctx: AuthContext = resources.context

    async def expired_credentials_prune() -> int:
        return await prune_expired_credentials(ctx)

    async def mail_queue() -> int:
        return await deliver_queued_mails(ctx)

    return [
        ScheduledJob(3600, "expired-credentials-prune", expired_credentials_prune),
        ScheduledJob(ctx.settings.mail_queue_seconds, "mail-queue", mail_queue),
    ]


def build_definition(settings: AuthSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        name="auth",
        settings=settings or get_settings(),
        model_modules=["auth_service.users.models", "auth_service.auth.models"],
        migrations_dir=SERVICE_ROOT / "migrations",
        title="Auth service",
        description=DESCRIPTION,
        routers=[auth_router, users_router],
        jobs=jobs,
        build_context=build_context,
        # Auth produces events and consumes none; it checks its own tokens (CurrentAccount),
        # so it has none of the chassis's token-cache eviction either.
        consumers=Consumers[AuthContext](),
        token_check=False,
        openapi_tags=[
            {"name": "auth", "description": "Sign-up, sign-in, tokens and passwords"},
            {"name": "users", "description": "Profiles and connections"},
            {"name": "admin", "description": "Roles and account status (admins only)"},
            {"name": "operations", "description": "Health, readiness and metrics"},
        ],
    )
