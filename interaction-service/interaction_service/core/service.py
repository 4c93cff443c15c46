"""The interaction service described once for the chassis: settings, models, routers,
consumers."""

from __future__ import annotations

from pathlib import Path

from chassis.events.registry import Consumers
from chassis.service import ServiceDefinition
from interaction_service.comments import consumers as comments
from interaction_service.comments.router import router as comments_router
from interaction_service.core.context import InteractionContext, build_context
from interaction_service.posts import consumers as posts
from interaction_service.reactions import consumers as reactions
from interaction_service.reactions.router import router as reactions_router
from interaction_service.settings import InteractionSettings, get_settings
from interaction_service.users import consumers as users
from interaction_service.views import consumers as views
from interaction_service.views.router import router as views_router

SERVICE_ROOT = Path(__file__).resolve().parents[2]

DESCRIPTION = """
Comments (with replies and NFT metadata), reactions and views on posts.

Every endpoint takes the access token the auth service issues (**Authorize** with a bearer
token). Only POSTED posts can be commented on, reacted to or viewed.
"""

# The order matters for post_deleted and user_deleted: the posts' and users' tombstones come
# first (they wait for in-flight writes and refuse later ones), then each domain removes what
# it holds, all in the one transaction of the event.
CONSUMERS: Consumers[InteractionContext] = Consumers.merge(
    posts.consumers,
    users.consumers,
    comments.consumers,
    reactions.consumers,
    views.consumers,
)


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
        build_context=build_context,
        consumers=CONSUMERS,
        openapi_tags=[
            {"name": "comments", "description": "Comments, replies and their NFT metadata"},
            {"name": "reactions", "description": "One reaction per user and post"},
            {"name": "views", "description": "Views, counted once per user and window"},
            {"name": "operations", "description": "Health, readiness and metrics"},
        ],
    )
