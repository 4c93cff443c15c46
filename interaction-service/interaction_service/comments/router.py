"""Comments and replies: ``/posts/{post_id}/comments`` and ``/comments/{comment_id}``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from fastapi import APIRouter, Response, status

from chassis.db import UnitOfWork
from chassis.pagination import Page, Pagination
from chassis.schemas import error_responses
from chassis.tokens import CurrentUser
from interaction_service.comments import service
from interaction_service.comments.models import Comment
from interaction_service.comments.schemas import (
    CommentCreate,
    CommentNFTRead,
    CommentRead,
    CommentUpdate,
)
from interaction_service.core.context import Ctx
from interaction_service.posts.dependencies import VisiblePost

router = APIRouter(tags=["comments"])


async def _present(comments: Sequence[Comment]) -> list[CommentRead]:
    names, deleted_parents = await service.describe(comments)
    return [
        CommentRead.of(
            c, author_name=names.get(c.author_id), parent_deleted=c.parent_id in deleted_parents
        )
        for c in comments
    ]


@router.post(
    "/posts/{post_id}/comments",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 422, 429, 503),
)
async def create_comment(
    body: CommentCreate, user: CurrentUser, post: VisiblePost, ctx: Ctx, _: UnitOfWork
) -> CommentRead:
    """Comment on a POSTED post, or reply to one of its comments (parent_id)."""
    comment = await service.create_comment(
        ctx, post=post, author=user, content=body.content, parent_id=body.parent_id
    )
    return (await _present([comment]))[0]


@router.get("/posts/{post_id}/comments", responses=error_responses(400, 401, 404, 422, 503))
async def list_comments(post: VisiblePost, page: Pagination) -> Page[CommentRead]:
    """Top-level comments of a post, oldest first, each with its number of replies."""
    rows, cursor = await service.list_comments(post.id, page=page)
    return Page(items=await _present(rows), next_cursor=cursor)


@router.get("/comments/{comment_id}", responses=error_responses(401, 404, 422, 503))
async def read_comment(comment_id: uuid.UUID, user: CurrentUser) -> CommentRead:
    """One comment (a deleted one is a tombstone without content)."""
    return (await _present([await service.get_comment(comment_id)]))[0]


@router.get("/comments/{comment_id}/replies", responses=error_responses(400, 401, 404, 422, 503))
async def list_replies(
    comment_id: uuid.UUID, user: CurrentUser, page: Pagination
) -> Page[CommentRead]:
    """Replies to a comment, oldest first."""
    rows, cursor = await service.list_replies(comment_id, page=page)
    return Page(items=await _present(rows), next_cursor=cursor)


@router.patch("/comments/{comment_id}", responses=error_responses(401, 403, 404, 422, 503))
async def edit_comment(
    comment_id: uuid.UUID, body: CommentUpdate, user: CurrentUser, ctx: Ctx, _: UnitOfWork
) -> CommentRead:
    """Edit your comment's content; edited_at records when."""
    comment = await service.edit_comment(
        ctx, comment_id=comment_id, editor=user, content=body.content
    )
    return (await _present([comment]))[0]


@router.delete(
    "/comments/{comment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422, 503),
)
async def delete_comment(
    comment_id: uuid.UUID, user: CurrentUser, ctx: Ctx, _: UnitOfWork
) -> Response:
    """Delete a comment: its author, the post's author, a moderator or an admin."""
    await service.delete_comment(ctx, comment_id=comment_id, actor=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/comments/{comment_id}/nft", responses=error_responses(401, 404, 422, 503))
async def read_comment_nft(comment_id: uuid.UUID, user: CurrentUser) -> CommentNFTRead:
    """The comment's ERC-1155 metadata and its ipfs:// token URI."""
    return CommentNFTRead.of(await service.get_comment_nft(comment_id))
