"""The post lists and the home feed: which rows, in which order, cut into pages.

Both are keyset-paginated on ``(sort key, id)`` descending; the cursor is the last row's pair
as the page query saw it (``chassis.pagination``), and the statements are in
``posts.queries`` (``list_rows``, ``feed_rows``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chassis.pagination import CursorKind, PageParams, decode_cursor, encode_cursor
from chassis.tokens import Identity
from post_service.core.vocabulary import Category
from post_service.posts import queries
from post_service.posts.models import PostStatus
from post_service.posts.queries import ListKey
from post_service.posts.schemas import PostRead

# The cursor of each order: its sort key's kind, then the id's.
CURSOR_KINDS: dict[ListKey, tuple[CursorKind, CursorKind]] = {
    "listed_at": ("datetime", "uuid"),
    "hot": ("float", "uuid"),
}


@dataclass
class PostFilters:
    author: uuid.UUID | None = None
    category: Category | None = None
    status: PostStatus | None = None
    q: str | None = None
    popular: bool = False

    @property
    def key(self) -> ListKey:
        """``sort=popular`` lists by the stored ``hot`` score, anything else newest first."""
        return "hot" if self.popular else "listed_at"


def after_cursor(page: PageParams, key: ListKey) -> list[Any] | None:
    """The (sort key, id) of the last row of the previous page, typed like its columns; a
    cursor that does not decode to that is a 400 ``invalid_cursor``."""
    return decode_cursor(page.cursor, CURSOR_KINDS[key]) if page.cursor else None


def cut_page(
    rows: Sequence[Mapping[str, Any]], limit: int
) -> tuple[Sequence[Mapping[str, Any]], list[Any] | None]:
    """The first ``limit`` rows of ``limit + 1`` read, and the cursor values after the last
    one (its ``k`` and ``id``) when there is more."""
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], [last["k"], last["id"]]


def _page(rows: list[dict[str, Any]], page: PageParams) -> tuple[list[PostRead], str | None]:
    shown, after = cut_page(rows, page.limit)
    cursor = encode_cursor(after) if after is not None else None
    return [PostRead.of_row(row) for row in shown], cursor


async def list_posts(
    viewer: Identity, *, filters: PostFilters, page: PageParams
) -> tuple[list[PostRead], str | None]:
    """POSTED posts and the viewer's own (any status), newest first or by ``hot``."""
    key = filters.key
    rows = await queries.list_rows(
        key=key,
        viewer_id=viewer.id,
        status=filters.status,
        author_id=filters.author,
        category=filters.category.value if filters.category is not None else None,
        q=filters.q,
        after=after_cursor(page, key),
        limit=page.limit + 1,
    )
    return _page(rows, page)


async def list_feed(viewer: Identity, *, page: PageParams) -> tuple[list[PostRead], str | None]:
    """POSTED posts of the viewer's connections, newest first."""
    rows = await queries.feed_rows(
        viewer_id=viewer.id, after=after_cursor(page, "listed_at"), limit=page.limit + 1
    )
    return _page(rows, page)
