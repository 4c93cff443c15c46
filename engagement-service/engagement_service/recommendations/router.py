"""Recommendations: people you may know and posts you may like."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from chassis.db import UnitOfWork
from chassis.pagination import Page, Pagination
from chassis.schemas import error_responses
from chassis.tokens import CurrentUser
from engagement_service.core.context import Ctx
from engagement_service.recommendations import service
from engagement_service.recommendations.schemas import (
    ConnectionRecommendation,
    PostRecommendation,
)

router = APIRouter(tags=["recommendations"])


@router.get("/recommendations/connections", responses=error_responses(400, 401, 422, 503))
async def recommended_connections(
    user: CurrentUser, page: Pagination
) -> Page[ConnectionRecommendation]:
    """People you may know: friends of friends, by mutual connections then shared interests."""
    people, cursor = await service.people_you_may_know(user.id, page=page)
    return Page(items=[ConnectionRecommendation.of(p) for p in people], next_cursor=cursor)


@router.post(
    "/recommendations/connections/{user_id}/dismiss",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(400, 401, 404, 422, 503),
)
async def dismiss_connection(user_id: uuid.UUID, user: CurrentUser, _: UnitOfWork) -> Response:
    """Never recommend this person to you again."""
    await service.dismiss(user.id, dismissed_id=user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/recommendations/posts", responses=error_responses(400, 401, 422, 503))
async def recommended_posts(
    user: CurrentUser, page: Pagination, ctx: Ctx
) -> Page[PostRecommendation]:
    """POSTED posts you did not write or view, by interest match, popularity and freshness."""
    posts, cursor, affinity = await service.posts_for_you(
        user.id, page=page, now=ctx.now(), per_source=ctx.settings.post_candidates_per_source
    )
    return Page(items=[PostRecommendation.of(p, affinity) for p in posts], next_cursor=cursor)
