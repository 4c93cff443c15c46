"""The engagement service described once for the chassis: settings, models, routers, context,
consumers, jobs."""

from __future__ import annotations

from pathlib import Path

from chassis.events.registry import Consumers
from chassis.service import Resources, ScheduledJob, ServiceDefinition
from engagement_service.activity import consumers as activity
from engagement_service.activity.router import router as activity_router
from engagement_service.activity.scores import refresh_all_scores
from engagement_service.core.context import EngagementContext, build_context
from engagement_service.notifications import consumers as notifications
from engagement_service.notifications.delivery import DeliveryRelay
from engagement_service.notifications.router import router as notifications_router
from engagement_service.recommendations import consumers as recommendations
from engagement_service.recommendations.router import router as recommendations_router
from engagement_service.settings import EngagementSettings, get_settings
from engagement_service.users import consumers as users

SERVICE_ROOT = Path(__file__).resolve().parents[2]

MODEL_MODULES = [
    "engagement_service.users.models",
    "engagement_service.activity.models",
    "engagement_service.notifications.models",
    "engagement_service.recommendations.models",
]

DESCRIPTION = """
Activity profiles, notifications (listed, or live over Server-Sent Events) and
recommendations, all built from the platform's events.

Every route needs an access token from the auth service (`Authorization: Bearer ...`); sign in
there (`POST /api/v1/auth/signin` on port 8000).

**Engagement score**: each action of the last 30 days weighs (post 5, comment 3, connection 2,
reaction 1, view 0.2; received: comment 1, reaction 0.5, view 0.05), halved every 7 days of
age; score = 100 * (1 - exp(-sum / 25)). Levels: HIGHLY_ACTIVE >= 80, MODERATELY_ACTIVE >= 60,
NORMALLY_ACTIVE >= 50, LESS_ACTIVE >= 20, ISOLATED below.

**Live notifications**: `GET /api/v1/notifications/stream` (text/event-stream). Events:
`notification` (new or grown), `notification_removed`, `notification_read`; a comment line
after 15 s without one. Reconnect with `Last-Event-ID` to receive what was missed. At most 5
open streams per user (429 `too_many_streams`, with Retry-After); a server that is full
answers 503 `stream_capacity`. A stream ends with `event: error` (`{"code": ...}`):
`unauthorized` once its token is signed out or revoked (checked every 30 s and at once when
auth announces the revocation), `service_unavailable` when Redis is lost, `lagging` when the
client reads too slowly.
"""


# One event may feed several domains; their handlers run in this order, in the event's one
# transaction. For user_deleted, activity comes first: it takes the user's lock and uncounts
# their items before the tombstone, the connections' recomputed scores, the notifications and
# the dismissals go. For post_deleted, the post's items stop counting, then its notifications
# go. (Token-cache eviction after user_updated and user_tokens_revoked is the chassis's.)
CONSUMERS: Consumers[EngagementContext] = Consumers.merge(
    activity.consumers,
    users.consumers,
    notifications.consumers,
    recommendations.consumers,
)


def delivery_relay(resources: Resources) -> DeliveryRelay:
    ctx: EngagementContext = resources.context
    s = ctx.settings
    return DeliveryRelay(
        resources.redis,
        database_url=s.database_url,
        push=ctx.push,
        maxlen=s.notification_stream_maxlen,
        ttl_seconds=s.notification_stream_ttl_seconds,
        sweep_seconds=s.delivery_sweep_seconds,
    )


def jobs(resources: Resources) -> list[ScheduledJob]:
    ctx: EngagementContext = resources.context
    relay = delivery_relay(resources)

    async def decay_scores() -> int:
        # Batch by batch, each UPDATE its own transaction: handlers are never held up long.
        return await refresh_all_scores(now=ctx.now())

    return [
        # A long-running job (``Relay.run`` until cancelled): the scheduler starts it and,
        # since a job never overlaps itself, only starts it again (a second later) if it ever
        # stops.
        ScheduledJob(1.0, "notification-delivery", relay.run),
        ScheduledJob(ctx.settings.score_refresh_seconds, "engagement-score-decay", decay_scores),
    ]


def build_definition(settings: EngagementSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        name="engagement",
        settings=settings or get_settings(),
        model_modules=MODEL_MODULES,
        migrations_dir=SERVICE_ROOT / "migrations",
        title="Engagement service",
        description=DESCRIPTION,
        routers=[activity_router, notifications_router, recommendations_router],
        build_context=build_context,
        consumers=CONSUMERS,
        jobs=jobs,
        openapi_tags=[
            {"name": "activity", "description": "Activity profiles and engagement scores"},
            {"name": "notifications", "description": "Notifications, read marks, live stream"},
            {"name": "recommendations", "description": "People you may know, posts for you"},
            {"name": "operations", "description": "Health, readiness and metrics"},
        ],
    )
