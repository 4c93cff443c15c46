"""The auth service's users and connections, copied here.

A connection notifies exactly when the pair's state changes, which only the recording knows:
the connect and disconnect handlers hand that change to the notifications service. Token-cache
eviction for ``user_updated`` and ``user_tokens_revoked`` is the chassis's (it runs after
these handlers).
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope
from chassis.events.registry import Consumers
from engagement_service.core.context import EngagementContext
from engagement_service.core.events import EVENTS
from engagement_service.notifications import service as notifications
from engagement_service.users import service

consumers = Consumers[EngagementContext]()


class EventData(BaseModel):
    """A tolerant reader: fields this service does not need are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class UserState(EventData):
    """``user_registered`` and ``user_updated``."""

    user_id: uuid.UUID
    first_name: str
    last_name: str
    interests: list[str]
    role: str
    status: str
    is_verified: bool


class UserDeleted(EventData):
    user_id: uuid.UUID


class ConnectionChange(EventData):
    """``user_connected`` and ``user_disconnected``."""

    user_id: uuid.UUID
    other_user_id: uuid.UUID


@consumers.on(EVENTS.user_registered, EVENTS.user_updated)
async def on_user_state(ctx: EngagementContext, event: Envelope) -> None:
    """A profile exists from the moment the account does; the newest state wins."""
    data = UserState.model_validate(event.data)
    await service.apply_user_state(**data.model_dump(), at=event.occurred_at, now=ctx.now())


@consumers.on(EVENTS.user_deleted)
async def on_user_deleted(ctx: EngagementContext, event: Envelope) -> None:
    """The profile goes (a tombstone), and so do the user's connections."""
    user_id = UserDeleted.model_validate(event.data).user_id
    await service.forget_user(user_id, now=ctx.now())


@consumers.on(EVENTS.user_connected)
async def on_user_connected(ctx: EngagementContext, event: Envelope) -> None:
    data = ConnectionChange.model_validate(event.data)
    if await service.set_connection(
        user_id=data.user_id,
        other_id=data.other_user_id,
        connected=True,
        at=event.occurred_at,
        now=ctx.now(),
    ):
        await notifications.notify_connected(
            user_id=data.user_id, other_id=data.other_user_id, now=ctx.now()
        )


@consumers.on(EVENTS.user_disconnected)
async def on_user_disconnected(ctx: EngagementContext, event: Envelope) -> None:
    data = ConnectionChange.model_validate(event.data)
    if await service.set_connection(
        user_id=data.user_id,
        other_id=data.other_user_id,
        connected=False,
        at=event.occurred_at,
        now=ctx.now(),
    ):
        await notifications.withdraw_connection(user_id=data.user_id, other_id=data.other_user_id)
