"""Posts (``/posts``): create, read, update, delete, lists, search and the home feed."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from chassis.db import UnitOfWork
from chassis.pagination import Page, Pagination
from chassis.schemas import error_responses
from chassis.tokens import CurrentUser
from post_service.core.context import Ctx
from post_service.core.vocabulary import CATEGORIES
from post_service.posts import lists, service
from post_service.posts.dependencies import Filters, IdempotencyKeyHeader, WritingUser
from post_service.posts.rules import Replay
from post_service.posts.schemas import CategoryChoices, PostCreate, PostRead, PostUpdate

router = APIRouter(tags=["posts"])

STATE_MACHINE = """
Status transitions: `DRAFT → POSTED`, `DRAFT → ARCHIVED`, `POSTED → ARCHIVED`,
`ARCHIVED → POSTED`. `POSTED → DRAFT` and `ARCHIVED → DRAFT` are refused with 409
`invalid_transition`; sending the current status is a no-op. The first time a post becomes
POSTED it enters the lists (`published_at`) and gets its NFT record; editing a POSTED post
regenerates that record's metadata while it is not minted.
"""


@router.get("/posts/category-choices")
async def category_choices() -> CategoryChoices:
    """The categories a post may have (the same words as user interests)."""
    return CategoryChoices(categories=list(CATEGORIES))


@router.post(
    "/posts",
    status_code=status.HTTP_201_CREATED,
    response_model=PostRead,
    responses=error_responses(401, 403, 413, 422, 429, 503),
)
async def create_post(
    body: PostCreate,
    user: WritingUser,
    ctx: Ctx,
    _: UnitOfWork,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Create a post (DRAFT, POSTED or ARCHIVED); rate-limited per user."""
    result = await service.create_post(ctx, user, data=body, idempotency_key=idempotency_key)
    if isinstance(result, Replay):
        return JSONResponse(
            result.body, status_code=result.status_code, headers={"Idempotent-Replayed": "true"}
        )
    return result


@router.get("/posts", responses=error_responses(400, 401, 422, 503))
async def list_posts(user: CurrentUser, filters: Filters, page: Pagination) -> Page[PostRead]:
    """POSTED posts and your own (any status), newest first; filter, search or sort by hot."""
    posts, cursor = await lists.list_posts(user, filters=filters, page=page)
    return Page(items=posts, next_cursor=cursor)


@router.get("/posts/feed", responses=error_responses(400, 401, 422, 503))
async def home_feed(user: CurrentUser, page: Pagination) -> Page[PostRead]:
    """Your home timeline: POSTED posts of your connections, newest first."""
    posts, cursor = await lists.list_feed(user, page=page)
    return Page(items=posts, next_cursor=cursor)


@router.get("/posts/{post_id}", responses=error_responses(401, 404, 410, 422, 503))
async def read_post(post_id: uuid.UUID, user: CurrentUser) -> PostRead:
    """A post: POSTED for anyone signed in, DRAFT or ARCHIVED only for its author."""
    return await service.read_post(post_id, viewer=user)


@router.patch(
    "/posts/{post_id}",
    description="Only the fields sent change (the author only)." + STATE_MACHINE,
    responses=error_responses(401, 403, 404, 409, 410, 422, 503),
)
async def update_post(
    post_id: uuid.UUID, body: PostUpdate, user: WritingUser, _: UnitOfWork
) -> PostRead:
    """Edit a post or change its status (author only)."""
    changes = body.model_dump(exclude_unset=True)
    return await service.edit_post(post_id, editor=user, changes=changes)


@router.delete(
    "/posts/{post_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422, 503),
)
async def delete_post(post_id: uuid.UUID, user: CurrentUser, _: UnitOfWork) -> Response:
    """Delete a post (its author, a moderator or an admin); minted NFTs are kept."""
    await service.delete_post(post_id, user=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
