"""The interaction service described once for the chassis: settings, models, routers, handlers."""

from __future__ import annotations

from pathlib import Path

from chassis.events import Envelope, Handler
from chassis.service import Resources, ServiceDefinition
from chassis.tokens import token_eviction_handler
from interaction_service.comments.consumers import content_removal_handler
from interaction_service.comments.router import router as comments_router
from interaction_service.core.context import context_of, install_context
from interaction_service.posts.consumers import on_post_state, post_deleted_handler
from interaction_service.reactions.router import router as reactions_router
from interaction_service.settings import InteractionSettings, get_settings
from interaction_service.users.consumers import on_user_state, user_deleted_handler
from interaction_service.views.router import router as views_router

SERVICE_ROOT = Path(__file__).resolve().parents[2]

DESCRIPTION = """
Comments (with replies and NFT metadata), reactions and views on posts.

Every endpoint takes the access token the auth service issues (**Authorize** with a bearer
token). Only POSTED posts can be commented on, reacted to or viewed.
"""


def handlers(resources: Resources) -> dict[str, Handler]:
    ctx = context_of(resources)
    evict = token_eviction_handler(resources.token_verifier)

    async def on_user_updated(event: Envelope) -> None:
        await on_user_state(event)
        await evict(event)

    return {
        "post_created": on_post_state,
        "post_updated": on_post_state,
        "post_deleted": post_deleted_handler(ctx),
        "user_registered": on_user_state,
        "user_updated": on_user_updated,
        "user_deleted": user_deleted_handler(ctx),
        "user_tokens_revoked": evict,
        "content_removal_requested": content_removal_handler(ctx),
    }


def build_definition(settings: InteractionSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        name="interaction",
        settings=settings or get_settings(),
        model_modules=[
            "interaction_service.posts.models",
            "interaction_service.users.models",
            "interaction_service.comments.models",
            "interaction_service.reactions.models",
            "interaction_service.views.models",
        ],
        migrations_dir=SERVICE_ROOT / "migrations",
        title="Interaction service",
        description=DESCRIPTION,
        routers=[comments_router, reactions_router, views_router],
        handlers=handlers,
        on_startup=install_context,
        openapi_tags=[
            {"name": "comments", "description": "Comments, replies and their NFT metadata"},
            {"name": "reactions", "description": "One reaction per user and post"},
            {"name": "views", "description": "Views, counted once per user and window"},
            {"name": "operations", "description": "Health, readiness and metrics"},
        ],
    )
