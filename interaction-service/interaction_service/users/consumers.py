"""The auth service's user events: the projection's side of them.

``user_deleted`` is handled by several domains, in the order ``core/service.py`` merges them:
this tombstone first, then the comments', reactions' and views' removals. The chassis evicts
cached tokens after the handlers of ``user_updated`` (and of ``user_tokens_revoked``, which
this service has no handler of its own for).
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope
from chassis.events.registry import Consumers
from interaction_service.core.context import InteractionContext
from interaction_service.core.events import EVENTS
from interaction_service.users import service

consumers = Consumers[InteractionContext]()


class UserState(BaseModel):
    """``user_registered`` and ``user_updated``: the fields this service keeps."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    user_id: uuid.UUID
    first_name: str
    last_name: str
    status: str


class UserGone(BaseModel):
    """``user_deleted``."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    user_id: uuid.UUID


@consumers.on(EVENTS.user_registered, EVENTS.user_updated)
async def on_user_state(ctx: InteractionContext, event: Envelope) -> None:
    state = UserState.model_validate(event.data)
    await service.apply_user_state(
        user_id=state.user_id,
        first_name=state.first_name,
        last_name=state.last_name,
        status=state.status,
        occurred_at=event.occurred_at,
    )


@consumers.on(EVENTS.user_deleted)
async def on_user_deleted(ctx: InteractionContext, event: Envelope) -> None:
    gone = UserGone.model_validate(event.data)
    # The tombstone first: it waits for the user's in-flight writes and refuses later ones.
    await service.tombstone_user(user_id=gone.user_id, now=ctx.now())
