"""The auth service described once for the chassis: settings, models, routers, jobs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from tortoise.expressions import Q

from auth_service.auth.mails import deliver_queued_mails
from auth_service.auth.models import AuthSession, OneTimeToken
from auth_service.auth.router import router as auth_router
from auth_service.core.context import AuthContext, install_context
from auth_service.settings import AuthSettings, get_settings
from auth_service.users.router import router as users_router
from chassis.service import Resources, ScheduledJob, ServiceDefinition

SERVICE_ROOT = Path(__file__).resolve().parents[2]

DESCRIPTION = """
Users, sign-in and tokens, profiles and connections.

Sign in with **Authorize** (username = email) or `POST /api/v1/auth/signin`; every other
service accepts the access token this service issues.
"""


async def prune_expired_credentials() -> int:
    """Forget sessions and one-time tokens that expired more than a day ago."""
    cutoff = datetime.now(timezone.utc) - timedelta(days=1)
    removed = await AuthSession.filter(expires_at__lt=cutoff).delete()
    removed += await OneTimeToken.filter(Q(expires_at__lt=cutoff)).delete()
    return removed


def jobs(resources: Resources) -> list[ScheduledJob]:
    ctx: AuthContext = resources.extras["auth"]

    async def mail_queue() -> int:
        return await deliver_queued_mails(ctx)

    return [
        ScheduledJob(3600, "expired-credentials-prune", prune_expired_credentials),
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
        on_startup=install_context,
        openapi_tags=[
            {"name": "auth", "description": "Sign-up, sign-in, tokens and passwords"},
            {"name": "users", "description": "Profiles and connections"},
            {"name": "admin", "description": "Roles and account status (admins only)"},
            {"name": "operations", "description": "Health, readiness and metrics"},
        ],
    )
