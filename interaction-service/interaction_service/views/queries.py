"""Every statement on views (``interaction_post_view``) and their window markers
(``interaction_post_viewer``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from tortoise import connections

from interaction_service.views.models import PostView, PostViewer

# Inserts the (post, user) marker, or moves it forward only if the last counted view is at
# or before the window's start. A row comes back only when this view counts. Concurrent first
# views meet on the unique (post_id, user_id): the second waits for the first, then re-checks
# the window against the committed marker and gets no row.
_COUNT_VIEW = (
    "INSERT INTO interaction_post_viewer "
    "(post_id, user_id, first_viewed_at, last_counted_at, counted_views) "
    "VALUES ($1, $2, $3, $3, 1) "
    "ON CONFLICT (post_id, user_id) DO UPDATE SET "
    "last_counted_at = EXCLUDED.last_counted_at, "
    "counted_views = interaction_post_viewer.counted_views + 1 "
    "WHERE interaction_post_viewer.last_counted_at <= $4 "
    "RETURNING counted_views"
)


async def mark_counted_view(
    *, post_id: uuid.UUID, user_id: uuid.UUID, now: datetime, window_start: datetime
) -> bool:
    """Count this view unless the user's last counted view of the post is younger than
    ``window_start``; True when it counts (and the marker moved to ``now``)."""
    rows = await connections.get("default").execute_query_dict(
        _COUNT_VIEW, [post_id, user_id, now, window_start]
    )
    return bool(rows)


async def insert_view(
    *, post_id: uuid.UUID, user_id: uuid.UUID, viewed_at: datetime, counted: bool
) -> PostView:
    return await PostView.create(
        id=uuid.uuid4(), post_id=post_id, user_id=user_id, viewed_at=viewed_at, counted=counted
    )


async def viewer_totals(post_id: uuid.UUID) -> tuple[int, int]:
    """(unique viewers, counted views) of a post, from its markers."""
    rows = await connections.get("default").execute_query_dict(
        "SELECT count(*) AS viewers, coalesce(sum(counted_views), 0) AS counted "
        "FROM interaction_post_viewer WHERE post_id = $1",
        [post_id],
    )
    return int(rows[0]["viewers"]), int(rows[0]["counted"])


async def delete_post_views(post_id: uuid.UUID) -> None:
    await PostView.filter(post_id=post_id).delete()
    await PostViewer.filter(post_id=post_id).delete()


async def delete_user_views(user_id: uuid.UUID) -> None:
    await PostView.filter(user_id=user_id).delete()
    await PostViewer.filter(user_id=user_id).delete()
