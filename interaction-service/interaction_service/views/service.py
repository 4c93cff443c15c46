"""Post views. Runs inside the caller's transaction.

Every view is recorded; one per user and post inside a sliding window is counted and emits
``post_viewed``. Whether a view counts is decided and recorded by one upsert on the (post,
user) marker (``queries.mark_counted_view``), so concurrent views count once and a rolled-back
view leaves no marker; the window's start comes from ``window_start``.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from chassis.tokens import Identity
from interaction_service.core.context import InteractionContext
from interaction_service.core.events import EVENTS, outbox
from interaction_service.posts.models import Post
from interaction_service.posts.service import PostRef, lock_visible_post, post_event_fields
from interaction_service.users.service import hold_writer
from interaction_service.views import queries
from interaction_service.views.models import PostView

# --- rules ------------------------------------------------------------------------------------


def window_start(now: datetime, window_seconds: int) -> datetime:
    """The start of the view window ending at ``now``. A view counts when the user's last
    counted view of the post is at or before it (or there is none): exactly one window after
    a counted view, the next one counts again. The marker's upsert applies that comparison in
    the database, where concurrent views meet."""
    return now - timedelta(seconds=window_seconds)


def viewed_event_data(view: PostView, post: Post) -> dict[str, Any]:
    """``post_viewed`` data."""
    return {
        "view_id": str(view.id),
        **post_event_fields(post),
        "user_id": str(view.user_id),
        "viewed_at": view.viewed_at.isoformat(),
    }


# --- writes and reads -------------------------------------------------------------------------


async def record_view(ctx: InteractionContext, *, post: PostRef, user: Identity) -> PostView:
    """Record a view; the first one by this user in the window emits ``post_viewed``."""
    user_id = await hold_writer(user)
    locked = await lock_visible_post(post)
    now = ctx.now()
    counted = await queries.mark_counted_view(
        post_id=locked.id,
        user_id=user_id,
        now=now,
        window_start=window_start(now, ctx.settings.view_window_seconds),
    )
    view = await queries.insert_view(
        post_id=locked.id, user_id=user_id, viewed_at=now, counted=counted
    )
    if counted:
        await outbox.add(EVENTS.post_viewed, viewed_event_data(view, locked))
    return view


async def summarize(post_id: uuid.UUID) -> tuple[int, int]:
    """(unique viewers, counted views) of a post."""
    return await queries.viewer_totals(post_id)


async def remove_post_views(post_id: uuid.UUID) -> None:
    """``post_deleted``: forget the post's views."""
    await queries.delete_post_views(post_id)


async def remove_user_views(user_id: uuid.UUID) -> None:
    """``user_deleted``: forget the user's views."""
    await queries.delete_user_views(user_id)
