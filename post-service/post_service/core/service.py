"""The post service described once for the chassis: settings, models, routers, context,
consumers, jobs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from chassis.events.registry import Consumers
from chassis.service import Resources, ScheduledJob, ServiceDefinition
from post_service.authors.consumers import consumers as authors_consumers
from post_service.core.context import PostContext, build_context
from post_service.counters.consumers import consumers as counters_consumers
from post_service.counters.service import prune_orphan_items, reconcile_counters
from post_service.nft.router import router as nft_router
from post_service.posts.consumers import consumers as posts_consumers
from post_service.posts.router import router as posts_router
from post_service.posts.service import prune_idempotency_keys, recompute_hot
from post_service.settings import PostSettings, get_settings

SERVICE_ROOT = Path(__file__).resolve().parents[2]

MODEL_MODULES = [
    "post_service.authors.models",
    "post_service.posts.models",
    "post_service.counters.models",
    "post_service.nft.models",
]

DESCRIPTION = """
Posts, lists, full-text search, the home feed of your connections, exact view, comment and
reaction counters, and ERC-1155 NFT metadata of published posts.

Every route needs an access token from the auth service (`Authorization: Bearer ...`);
sign in there (`POST /api/v1/auth/signin` on port 8000).

**Status transitions:** `DRAFT → POSTED`, `DRAFT → ARCHIVED`, `POSTED → ARCHIVED`,
`ARCHIVED → POSTED`; `POSTED → DRAFT` and `ARCHIVED → DRAFT` answer 409 `invalid_transition`.

**Ranking** (`sort=popular`): `hot = (positive reactions + comments + 1) / (age_hours + 2)^1.5`,
age from first publication, capped at 192 hours. **score** = (positive reactions + comments) /
views, 0 to 1. **popularity** = views / max(author's connections, 1), 0 to 100.
"""


CONSUMERS = Consumers.merge(authors_consumers, counters_consumers, posts_consumers)


def jobs(resources: Resources) -> list[ScheduledJob]:
    ctx: PostContext = resources.context
    settings = ctx.settings
    keep_keys = timedelta(hours=settings.idempotency_key_hours)

    async def prune_keys() -> int:
        return await prune_idempotency_keys(older_than=keep_keys)

    async def prune_items() -> int:
        return await prune_orphan_items(older_than=timedelta(days=1))

    return [
        ScheduledJob(settings.hot_recompute_seconds, "hot-recompute", recompute_hot),
        ScheduledJob(settings.reconcile_seconds, "counters-reconcile", reconcile_counters),
        ScheduledJob(settings.idempotency_prune_seconds, "idempotency-keys-prune", prune_keys),
        ScheduledJob(3600, "orphan-items-prune", prune_items),
    ]


def build_definition(settings: PostSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        name="post",
        settings=settings or get_settings(),
        model_modules=MODEL_MODULES,
        migrations_dir=SERVICE_ROOT / "migrations",
        title="Post service",
        description=DESCRIPTION,
        routers=[posts_router, nft_router],
        build_context=build_context,
        consumers=CONSUMERS,
        jobs=jobs,
        openapi_tags=[
            {"name": "posts", "description": "Posts, lists, search and the home feed"},
            {"name": "nft", "description": "NFT metadata of published posts"},
            {"name": "operations", "description": "Health, readiness and metrics"},
        ],
    )
