"""The moderation service described once for the chassis: settings, models, routers,
consumers, the per-batch hook, jobs."""

from __future__ import annotations

from pathlib import Path

from chassis.events.registry import Consumers
from chassis.service import Resources, ScheduledJob, ServiceDefinition
from moderation_service.analysis.router import router as analysis_router
from moderation_service.appeals.router import router as appeals_router
from moderation_service.core.context import ModerationContext, build_context
from moderation_service.decisions.router import router as decisions_router
from moderation_service.deletions import consumers as deletions
from moderation_service.queue.router import router as queue_router
from moderation_service.reports.router import router as reports_router
from moderation_service.screening import consumers as screening
from moderation_service.screening.consumers import prime_batch
from moderation_service.screening.service import prune_fingerprints
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
    ctx: ModerationContext = resources.context

    async def prune() -> int:
        return await prune_fingerprints(ctx)

    return [ScheduledJob(3600, "text-fingerprints-prune", prune)]


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
        routers=[queue_router, decisions_router, appeals_router, reports_router, analysis_router],
        build_context=build_context,
        consumers=Consumers.merge(screening.consumers, deletions.consumers),
        # Once per read, outside its transaction: the batch's texts in one model call.
        before_batch=lambda resources: lambda envelopes: prime_batch(resources.context, envelopes),
        jobs=jobs,
        openapi_tags=[
            {"name": "moderations", "description": "The review queue, decisions and appeals"},
            {"name": "reports", "description": "Users report posts and comments"},
            {"name": "analysis", "description": "Try the analysis on a text (moderators)"},
            {"name": "operations", "description": "Health, readiness and metrics"},
        ],
    )
