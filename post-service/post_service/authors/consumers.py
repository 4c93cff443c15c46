"""Auth's user events, translated at the edge into calls of this service's functions.

Each handler runs inside the consumer's transaction, after the chassis recorded the event id;
for ``user_updated`` the chassis then drops the user's cached tokens itself.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope
from chassis.events.registry import Consumers
from post_service.authors import service
from post_service.core.context import PostContext
from post_service.core.events import EVENTS
from post_service.posts import service as posts

consumers = Consumers[PostContext]()


class _Event(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class UserProfile(_Event):
    """``user_registered`` and ``user_updated`` (the fields this service keeps)."""

    user_id: uuid.UUID
    first_name: str
    last_name: str
    status: str


class UserDeleted(_Event):
    user_id: uuid.UUID


class UserConnection(_Event):
    """``user_connected`` and ``user_disconnected``: totals are after the change."""

    user_id: uuid.UUID
    other_user_id: uuid.UUID
    user_total_connections: int
    other_total_connections: int


@consumers.on(EVENTS.user_registered, EVENTS.user_updated)
async def on_user_profile(ctx: PostContext, event: Envelope) -> None:
    data = UserProfile.model_validate(event.data)
    await service.apply_profile(
        user_id=data.user_id,
        first_name=data.first_name,
        last_name=data.last_name,
        status=data.status,
        at=event.occurred_at,
    )


@consumers.on(EVENTS.user_deleted)
async def on_user_deleted(ctx: PostContext, event: Envelope) -> None:
    """Every post of the user goes (each announced with ``post_deleted``), then the author and
    their connections. The tombstone keeps late events from bringing them back."""
    data = UserDeleted.model_validate(event.data)
    await service.mark_deleted(data.user_id, at=event.occurred_at)
    await posts.delete_posts_of(data.user_id)
    await service.forget_user(data.user_id, at=event.occurred_at)


async def _apply_connection(event: Envelope, *, connected: bool) -> None:
    data = UserConnection.model_validate(event.data)
    await service.apply_connection(
        user_id=data.user_id,
        other_id=data.other_user_id,
        user_total=data.user_total_connections,
        other_total=data.other_total_connections,
        connected=connected,
        at=event.occurred_at,
    )


@consumers.on(EVENTS.user_connected)
async def on_user_connected(ctx: PostContext, event: Envelope) -> None:
    await _apply_connection(event, connected=True)


@consumers.on(EVENTS.user_disconnected)
async def on_user_disconnected(ctx: PostContext, event: Envelope) -> None:
    await _apply_connection(event, connected=False)
