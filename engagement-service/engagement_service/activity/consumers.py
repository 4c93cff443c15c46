"""Posts, comments, reactions and views as their services announce them, and the activity a
deleted account leaves behind.

Each handler runs inside the consumer's transaction, after the chassis recorded the event id in
``processed_event``, so a duplicate delivery never reaches it; beyond that, every one is safe
to see the same fact twice under another event id, and in any order (see ``service.py`` and
``items.py``).

A comment or reaction notifies exactly when it starts to count, and withdraws its notices
exactly when it stops: only the recording knows that, so these handlers hand the item that
flipped to the notifications service right after recording it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope
from chassis.events.registry import Consumers
from engagement_service.activity import items, service
from engagement_service.core.context import EngagementContext
from engagement_service.core.events import EVENTS
from engagement_service.notifications import service as notifications

consumers = Consumers[EngagementContext]()

PostStatus = Literal["DRAFT", "POSTED", "ARCHIVED"]


class EventData(BaseModel):
    """A tolerant reader: fields this service does not need are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class PostState(EventData):
    """``post_created`` and ``post_updated``."""

    post_id: uuid.UUID
    author_id: uuid.UUID
    title: str | None
    categories: list[str]
    status: PostStatus
    created_at: datetime
    updated_at: datetime


class PostDeleted(EventData):
    post_id: uuid.UUID
    author_id: uuid.UUID
    categories: list[str]
    status: PostStatus
    reason: str


class CommentEvent(EventData):
    """``post_comment_created``, ``_updated`` and ``_deleted``."""

    comment_id: uuid.UUID
    post_id: uuid.UUID
    post_author_id: uuid.UUID
    categories: list[str]
    author_id: uuid.UUID
    parent_id: uuid.UUID | None
    content: str | None = None
    created_at: datetime | None = None


class ReactionEvent(EventData):
    """``post_reaction_created``, ``_updated`` and ``_deleted``."""

    reaction_id: uuid.UUID
    post_id: uuid.UUID
    post_author_id: uuid.UUID
    categories: list[str]
    user_id: uuid.UUID
    type: Literal["LIKE", "LOVE", "ANGRY", "SAD", "FUNNY", "JOY"]
    created_at: datetime | None = None


class ViewEvent(EventData):
    view_id: uuid.UUID
    post_id: uuid.UUID
    post_author_id: uuid.UUID
    categories: list[str]
    user_id: uuid.UUID
    viewed_at: datetime


class UserDeleted(EventData):
    user_id: uuid.UUID


# --- posts ----------------------------------------------------------------------------------


@consumers.on(EVENTS.post_created, EVENTS.post_updated)
async def on_post_state(ctx: EngagementContext, event: Envelope) -> None:
    """The newest state of the post wins."""
    data = PostState.model_validate(event.data)
    await service.record_post(**data.model_dump(), now=ctx.now())


@consumers.on(EVENTS.post_deleted)
async def on_post_deleted(ctx: EngagementContext, event: Envelope) -> None:
    """Everything on the post stops counting (its notifications: ``notifications``)."""
    data = PostDeleted.model_validate(event.data)
    await service.delete_post(
        post_id=data.post_id,
        author_id=data.author_id,
        categories=data.categories,
        status=data.status,
        now=ctx.now(),
    )


# --- comments -------------------------------------------------------------------------------


async def _add_comment(ctx: EngagementContext, data: CommentEvent, event: Envelope) -> bool:
    """Record the comment; notify if it counts from now on. Whether it does."""
    item = await items.add_comment(
        comment_id=data.comment_id,
        post_id=data.post_id,
        post_author_id=data.post_author_id,
        author_id=data.author_id,
        parent_id=data.parent_id,
        categories=data.categories,
        occurred_at=data.created_at or event.occurred_at,
        now=ctx.now(),
    )
    if item is None:
        return False
    await notifications.notify_comment(item, content=data.content, now=ctx.now())
    return True


@consumers.on(EVENTS.post_comment_created)
async def on_post_comment_created(ctx: EngagementContext, event: Envelope) -> None:
    await _add_comment(ctx, CommentEvent.model_validate(event.data), event)


@consumers.on(EVENTS.post_comment_updated)
async def on_post_comment_updated(ctx: EngagementContext, event: Envelope) -> None:
    """An edit; if it is the first news of the comment, it counts as its creation."""
    data = CommentEvent.model_validate(event.data)
    if not await _add_comment(ctx, data, event):
        await notifications.refresh_comment_excerpt(
            comment_id=data.comment_id, content=data.content
        )


@consumers.on(EVENTS.post_comment_deleted)
async def on_post_comment_deleted(ctx: EngagementContext, event: Envelope) -> None:
    data = CommentEvent.model_validate(event.data)
    item = await items.remove_comment(
        comment_id=data.comment_id,
        post_id=data.post_id,
        post_author_id=data.post_author_id,
        author_id=data.author_id,
        parent_id=data.parent_id,
        categories=data.categories,
        occurred_at=event.occurred_at,
        now=ctx.now(),
    )
    if item is not None:
        await notifications.withdraw_for_items([item], now=ctx.now())


# --- reactions ------------------------------------------------------------------------------


@consumers.on(EVENTS.post_reaction_created)
async def on_post_reaction_created(ctx: EngagementContext, event: Envelope) -> None:
    data = ReactionEvent.model_validate(event.data)
    item = await items.add_reaction(
        reaction_id=data.reaction_id,
        post_id=data.post_id,
        post_author_id=data.post_author_id,
        user_id=data.user_id,
        type=data.type,
        categories=data.categories,
        occurred_at=data.created_at or event.occurred_at,
        now=ctx.now(),
    )
    if item is not None:
        await notifications.notify_reaction(item, window=ctx.reaction_window, now=ctx.now())


@consumers.on(EVENTS.post_reaction_updated)
async def on_post_reaction_updated(ctx: EngagementContext, event: Envelope) -> None:
    """A new type; if it is the first news of the reaction, it counts as its creation."""
    data = ReactionEvent.model_validate(event.data)
    item = await items.change_reaction(
        reaction_id=data.reaction_id,
        post_id=data.post_id,
        post_author_id=data.post_author_id,
        user_id=data.user_id,
        type=data.type,
        categories=data.categories,
        occurred_at=data.created_at or event.occurred_at,
        changed_at=event.occurred_at,
        now=ctx.now(),
    )
    if item is not None:
        await notifications.notify_reaction(item, window=ctx.reaction_window, now=ctx.now())


@consumers.on(EVENTS.post_reaction_deleted)
async def on_post_reaction_deleted(ctx: EngagementContext, event: Envelope) -> None:
    data = ReactionEvent.model_validate(event.data)
    item = await items.remove_reaction(
        reaction_id=data.reaction_id,
        post_id=data.post_id,
        post_author_id=data.post_author_id,
        user_id=data.user_id,
        type=data.type,
        categories=data.categories,
        occurred_at=event.occurred_at,
        now=ctx.now(),
    )
    if item is not None:
        await notifications.withdraw_for_items([item], now=ctx.now())


# --- views ----------------------------------------------------------------------------------


@consumers.on(EVENTS.post_viewed)
async def on_post_viewed(ctx: EngagementContext, event: Envelope) -> None:
    data = ViewEvent.model_validate(event.data)
    await items.add_view(
        view_id=data.view_id,
        post_id=data.post_id,
        post_author_id=data.post_author_id,
        user_id=data.user_id,
        categories=data.categories,
        viewed_at=data.viewed_at,
        now=ctx.now(),
    )


# --- accounts -------------------------------------------------------------------------------


@consumers.on(EVENTS.user_deleted)
async def on_user_deleted(ctx: EngagementContext, event: Envelope) -> None:
    """Whatever the user did or received stops counting, for everyone; the notices the user's
    own comments and reactions caused are withdrawn. Runs first (``core/service.py``): it takes
    the user's lock before anything else changes."""
    user_id = UserDeleted.model_validate(event.data).user_id
    uncounted = await service.forget_user(user_id, now=ctx.now())
    await notifications.withdraw_for_items(
        [i for i in uncounted if i.actor_id == user_id], now=ctx.now()
    )
