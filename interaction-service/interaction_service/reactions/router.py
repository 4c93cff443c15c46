"""Reactions: ``/posts/{post_id}/reactions...`` and ``/reactions/{reaction_id}``."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from chassis.db import UnitOfWork
from chassis.pagination import Page, Pagination
from chassis.schemas import error_responses
from chassis.tokens import CurrentUser
from interaction_service.core.context import Ctx
from interaction_service.posts.dependencies import VisiblePost
from interaction_service.reactions import service
from interaction_service.reactions.models import NEGATIVE, POSITIVE, Reaction, ReactionType
from interaction_service.reactions.schemas import (
    ReactionRead,
    ReactionSet,
    ReactionSummary,
    ReactionTypes,
)

router = APIRouter(tags=["reactions"])


async def _present(reactions: list[Reaction]) -> list[ReactionRead]:
    names = await service.author_names(reactions)
    return [ReactionRead.of(r, display_name=names.get(r.user_id)) for r in reactions]


@router.get("/reactions/types")
async def reaction_types() -> ReactionTypes:
    """The reaction types, and which count as positive or negative."""
    return ReactionTypes(types=list(ReactionType), positive=list(POSITIVE), negative=list(NEGATIVE))


@router.put(
    "/posts/{post_id}/reactions/me",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": ReactionRead}, **error_responses(401, 404, 409, 422, 503)},
)
async def set_my_reaction(
    body: ReactionSet,
    user: CurrentUser,
    post: VisiblePost,
    ctx: Ctx,
    response: Response,
    _: UnitOfWork,
) -> ReactionRead:
    """Set my reaction to a post: 201 when new, 200 when changed or unchanged."""
    reaction, created = await service.set_my_reaction(ctx, post=post, user=user, kind=body.type)
    if not created:
        response.status_code = status.HTTP_200_OK
    return (await _present([reaction]))[0]


@router.delete(
    "/posts/{post_id}/reactions/me",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 404, 422, 503),
)
async def remove_my_reaction(
    user: CurrentUser, post: VisiblePost, ctx: Ctx, _: UnitOfWork
) -> Response:
    """Remove my reaction to a post (404 if I had none)."""
    await service.remove_my_reaction(ctx, post=post, user=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/posts/{post_id}/reactions",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 404, 409, 422, 503),
)
async def add_reaction(
    body: ReactionSet, user: CurrentUser, post: VisiblePost, ctx: Ctx, _: UnitOfWork
) -> ReactionRead:
    """React to a post (409 if I already did; PUT /reactions/me sets or changes it)."""
    reaction = await service.add_reaction(ctx, post=post, user=user, kind=body.type)
    return (await _present([reaction]))[0]


@router.get("/posts/{post_id}/reactions", responses=error_responses(400, 401, 404, 422, 503))
async def list_reactions(post: VisiblePost, page: Pagination) -> Page[ReactionRead]:
    """Who reacted to a post and how, newest first."""
    rows, cursor = await service.list_reactions(post.id, page=page)
    return Page(items=await _present(rows), next_cursor=cursor)


@router.get("/posts/{post_id}/reactions/summary", responses=error_responses(401, 404, 422, 503))
async def reaction_summary(user: CurrentUser, post: VisiblePost) -> ReactionSummary:
    """Reaction counts per type, the total, and my own reaction."""
    tally = await service.summarize(post.id, user=user)
    return ReactionSummary(
        post_id=post.id,
        counts=tally.counts,
        total=tally.total,
        positive=tally.positive,
        negative=tally.negative,
        mine=tally.mine,
    )


@router.get("/reactions/{reaction_id}", responses=error_responses(401, 404, 422, 503))
async def read_reaction(reaction_id: uuid.UUID, user: CurrentUser) -> ReactionRead:
    """One reaction."""
    return (await _present([await service.get_reaction(reaction_id)]))[0]


@router.patch("/reactions/{reaction_id}", responses=error_responses(401, 403, 404, 422, 503))
async def change_reaction(
    reaction_id: uuid.UUID, body: ReactionSet, user: CurrentUser, ctx: Ctx, _: UnitOfWork
) -> ReactionRead:
    """Change the type of my reaction."""
    reaction = await service.change_reaction(
        ctx, reaction_id=reaction_id, user=user, kind=body.type
    )
    return (await _present([reaction]))[0]


@router.delete(
    "/reactions/{reaction_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422, 503),
)
async def delete_reaction(reaction_id: uuid.UUID, user: CurrentUser, _: UnitOfWork) -> Response:
    """Delete my reaction."""
    await service.delete_reaction(reaction_id=reaction_id, user=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
