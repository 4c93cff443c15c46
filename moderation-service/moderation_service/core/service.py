"""The moderation service described once for the chassis: settings, models, routers, handlers,
jobs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from chassis.service import Resources, ScheduledJob, ServiceDefinition
from moderation_service.analysis.router import router as analysis_router
from moderation_service.core.context import context_of, install_context
from moderation_service.moderations.handlers import build_handlers
from moderation_service.moderations.models import TextFingerprint
from moderation_service.moderations.router import router as moderations_router
from moderation_service.reports.router import router as reports_router
from moderation_service.settings import ModerationSettings, get_settings

SERVICE_ROOT = Path(__file__).resolve().parents[2]

DESCRIPTION = """
Content analysis and moderation of posts and comments.

Every post and comment (from the post and interaction services' events) is analysed by an
offensive-language model, a blocklist and spam rules, and gets a moderation case: approved,
sent to review, or removed (`content_removal_requested`, answered by `content_removed`).
Moderators work the queue; users report content and appeal removals.

Sign in at the auth service and use its access token (**Authorize**).
"""


def jobs(resources: Resources) -> list[ScheduledJob]:
    ctx = context_of(resources)

    async def prune_fingerprints() -> int:
        """Forget text fingerprints older than twice the duplicate window."""
        window = timedelta(hours=ctx.settings.duplicate_window_hours)
        return await TextFingerprint.filter(seen_at__lt=ctx.now() - 2 * window).delete()

    return [ScheduledJob(3600, "text-fingerprints-prune", prune_fingerprints)]


def build_definition(settings: ModerationSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        name="moderation",
        settings=settings or get_settings(),
        model_modules=[
            "moderation_service.moderations.models",
            "moderation_service.reports.models",
        ],
        migrations_dir=SERVICE_ROOT / "migrations",
        title="Moderation service",
        description=DESCRIPTION,
        routers=[moderations_router, reports_router, analysis_router],
        handlers=build_handlers,
        jobs=jobs,
        on_startup=install_context,
        openapi_tags=[
            {"name": "moderations", "description": "The review queue, decisions and appeals"},
            {"name": "reports", "description": "Users report posts and comments"},
            {"name": "analysis", "description": "Try the analysis on a text (moderators)"},
            {"name": "operations", "description": "Health, readiness and metrics"},
        ],
    )
