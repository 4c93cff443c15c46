"""Views: ``/posts/{post_id}/views`` (and the seed's ``/{post_id}/view``)."""

from __future__ import annotations

from fastapi import APIRouter, status

from chassis.db import UnitOfWork
from chassis.schemas import error_responses
from chassis.tokens import CurrentUser
from interaction_service.core.context import Ctx
from interaction_service.posts.dependencies import VisiblePost
from interaction_service.views import service
from interaction_service.views.schemas import ViewRecorded, ViewSummary

router = APIRouter(tags=["views"])


@router.post(
    "/posts/{post_id}/views",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(401, 404, 422, 503),
)
async def record_view(
    user: CurrentUser, post: VisiblePost, ctx: Ctx, _: UnitOfWork
) -> ViewRecorded:
    """Record that I viewed a post; counted once per view window."""
    view = await service.record_view(ctx, post=post, user=user)
    return ViewRecorded(
        view_id=view.id, post_id=view.post_id, viewed_at=view.viewed_at, counted=view.counted
    )


@router.get(
    "/{post_id}/view",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(401, 404, 422, 503),
    deprecated=True,
)
async def record_view_alias(
    user: CurrentUser, post: VisiblePost, ctx: Ctx, _: UnitOfWork
) -> ViewRecorded:
    """The seed's view endpoint: the same as POST /posts/{post_id}/views."""
    return await record_view(user, post, ctx, None)


@router.get("/posts/{post_id}/views/summary", responses=error_responses(401, 404, 422, 503))
async def view_summary(user: CurrentUser, post: VisiblePost) -> ViewSummary:
    """Unique viewers of a post and its counted views."""
    viewers, counted = await service.summarize(post.id)
    return ViewSummary(post_id=post.id, unique_viewers=viewers, counted_views=counted)
