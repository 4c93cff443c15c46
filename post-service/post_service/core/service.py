"""The post service described once for the chassis: settings, models, routers, handlers, jobs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from chassis.events import Envelope, Handler
from chassis.service import Resources, ScheduledJob, ServiceDefinition
from chassis.tokens import token_eviction_handler
from post_service.authors import handlers as authors
from post_service.core import events
from post_service.core.context import install_context
from post_service.counters import handlers as counters
from post_service.counters.service import prune_orphan_items, reconcile_counters
from post_service.nft.router import router as nft_router
from post_service.posts import handlers as posts
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


def handlers(resources: Resources) -> dict[str, Handler]:
    evict = token_eviction_handler(resources.token_verifier)

    async def on_user_updated(event: Envelope) -> None:
        await authors.on_user_profile(event)
        await evict(event)

    return {
        events.USER_REGISTERED: authors.on_user_profile,
        events.USER_UPDATED: on_user_updated,
        events.USER_DELETED: authors.on_user_deleted,
        events.USER_CONNECTED: authors.on_user_connected,
        events.USER_DISCONNECTED: authors.on_user_disconnected,
        events.USER_TOKENS_REVOKED: evict,
        events.POST_COMMENT_CREATED: counters.on_comment_created,
        events.POST_COMMENT_UPDATED: counters.on_comment_updated,
        events.POST_COMMENT_DELETED: counters.on_comment_deleted,
        events.POST_REACTION_CREATED: counters.on_reaction_created,
        events.POST_REACTION_UPDATED: counters.on_reaction_updated,
        events.POST_REACTION_DELETED: counters.on_reaction_deleted,
        events.POST_VIEWED: counters.on_post_viewed,
        events.CONTENT_REMOVAL_REQUESTED: posts.on_content_removal_requested,
    }


def jobs(resources: Resources) -> list[ScheduledJob]:
    settings = resources.settings
    assert isinstance(settings, PostSettings)
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
        handlers=handlers,
        jobs=jobs,
        on_startup=install_context,
        openapi_tags=[
            {"name": "posts", "description": "Posts, lists, search and the home feed"},
            {"name": "nft", "description": "NFT metadata of published posts"},
            {"name": "operations", "description": "Health, readiness and metrics"},
        ],
    )
