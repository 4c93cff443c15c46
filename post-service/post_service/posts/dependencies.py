from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import Depends, Header, Query

from chassis.errors import Forbidden, Unprocessable
from chassis.text import forbidden_character
from chassis.tokens import CurrentUser, Identity
from post_service.core.vocabulary import Category
from post_service.posts.lists import PostFilters
from post_service.posts.models import PostStatus
from post_service.posts.schemas import IDEMPOTENCY_KEY_MAX, SEARCH_MAX

_STATUS_CODES = {"MUTED": "account_muted", "BANNED": "account_banned"}


async def writing_user(user: CurrentUser) -> Identity:
    """The caller, if their account may write: MUTED, BANNED or INACTIVE accounts get 403."""
    if user.status != "ACTIVE":
        raise Forbidden(
            f"A {user.status.lower()} account cannot write posts",
            code=_STATUS_CODES.get(user.status, "account_inactive"),
        )
    return user


WritingUser = Annotated[Identity, Depends(writing_user)]


IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=IDEMPOTENCY_KEY_MAX,
        pattern=r"^[\x21-\x7e]+$",
        description="Retrying a create with the same key (printable ASCII, up to 100 "
        "characters) returns the first answer instead of posting twice; kept for 24 hours.",
    ),
]


async def post_filters(
    q: Annotated[
        str | None,
        Query(max_length=SEARCH_MAX, description="Full-text search of title and content"),
    ] = None,
    author: Annotated[uuid.UUID | None, Query(description="Only this author's posts")] = None,
    category: Annotated[Category | None, Query(description="Only posts in this category")] = None,
    status: Annotated[
        PostStatus | None,
        Query(description="POSTED: everyone's; DRAFT or ARCHIVED: only the caller's own"),
    ] = None,
    sort: Annotated[
        Literal["recent", "popular"],
        Query(description="recent: newest first; popular: by the decaying `hot` score"),
    ] = "recent",
) -> PostFilters:
    if q is not None and any(forbidden_character(ch, multiline=False) for ch in q):
        raise Unprocessable("q must not contain control, format or unassigned characters")
    return PostFilters(
        author=author,
        category=category,
        status=status,
        q=(q or "").strip() or None,
        popular=sort == "popular",
    )


Filters = Annotated[PostFilters, Depends(post_filters)]
