"""Post views. Runs inside the caller's transaction."""

from __future__ import annotations

import uuid
from datetime import timedelta

from tortoise import connections

from chassis.tokens import Identity
from interaction_service.core import events
from interaction_service.core.context import InteractionContext
from interaction_service.posts.service import PostRef, lock_visible_post, post_event_fields
from interaction_service.users.service import hold_writer
from interaction_service.views.models import PostView, PostViewer

# Inserts the (post, user) marker, or moves it forward only if the last counted view is at
# least a window old. A row comes back only when this view counts. Concurrent first views
# meet on the unique (post_id, user_id): the second waits for the first, then re-checks the
# window against the committed marker and gets no row.
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


async def record_view(ctx: InteractionContext, *, post: PostRef, user: Identity) -> PostView:
    """Record a view; the first one by this user in the window emits ``post_viewed``."""
    user_id = await hold_writer(user)
    locked = await lock_visible_post(post)
    now = ctx.now()
    window_start = now - timedelta(seconds=ctx.settings.view_window_seconds)
    counted = bool(
        await connections.get("default").execute_query_dict(
            _COUNT_VIEW, [locked.id, user_id, now, window_start]
        )
    )
    view = await PostView.create(
        id=uuid.uuid4(), post_id=locked.id, user_id=user_id, viewed_at=now, counted=counted
    )
    if counted:
        await events.outbox.add(
            events.POST_VIEWED,
            {
                "view_id": str(view.id),
                **post_event_fields(locked),
                "user_id": str(user_id),
                "viewed_at": now.isoformat(),
            },
        )
    return view


async def summarize(post_id: uuid.UUID) -> tuple[int, int]:
    """(unique viewers, counted views) of a post."""
    rows = await connections.get("default").execute_query_dict(
        "SELECT count(*) AS viewers, coalesce(sum(counted_views), 0) AS counted "
        "FROM interaction_post_viewer WHERE post_id = $1",
        [post_id],
    )
    return int(rows[0]["viewers"]), int(rows[0]["counted"])


async def remove_post_views(post_id: uuid.UUID) -> None:
    """``post_deleted``: forget the post's views."""
    await PostView.filter(post_id=post_id).delete()
    await PostViewer.filter(post_id=post_id).delete()


async def remove_user_views(user_id: uuid.UUID) -> None:
    """``user_deleted``: forget the user's views."""
    await PostView.filter(user_id=user_id).delete()
    await PostViewer.filter(user_id=user_id).delete()
