from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request

from chassis.tokens import CurrentUser
from interaction_service.core.context import Ctx
from interaction_service.posts.service import PostRef, resolve_visible_post


async def bearer_token(request: Request) -> str:
    """The caller's access token (``CurrentUser`` has already checked it)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def visible_post(
    post_id: uuid.UUID,
    user: CurrentUser,
    ctx: Ctx,
    token: Annotated[str, Depends(bearer_token)],
) -> PostRef:
    """Load-or-raise: the path's post if it is POSTED (404 otherwise, 503 if unknowable)."""
    return await resolve_visible_post(ctx, post_id=post_id, token=token)


VisiblePost = Annotated[PostRef, Depends(visible_post)]
