"""The auth service's user events, translated into calls of this service's own functions."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from chassis.events import Envelope, Handler
from interaction_service.comments import service as comments
from interaction_service.core.context import InteractionContext
from interaction_service.reactions import service as reactions
from interaction_service.users import service
from interaction_service.views import service as views


class UserState(BaseModel):
    """``user_registered`` and ``user_updated``: the fields this service keeps."""

    model_config = ConfigDict(extra="ignore")

    user_id: uuid.UUID
    first_name: str
    last_name: str
    status: str


class UserGone(BaseModel):
    """``user_deleted``."""

    model_config = ConfigDict(extra="ignore")

    user_id: uuid.UUID


async def on_user_state(event: Envelope) -> None:
    state = UserState.model_validate(event.data)
    await service.apply_user_state(
        user_id=state.user_id,
        first_name=state.first_name,
        last_name=state.last_name,
        status=state.status,
        occurred_at=event.occurred_at,
    )


def user_deleted_handler(ctx: InteractionContext) -> Handler:
    async def on_user_deleted(event: Envelope) -> None:
        gone = UserGone.model_validate(event.data)
        now = ctx.now()
        # The tombstone first: it waits for the user's in-flight writes and refuses later ones.
        await service.tombstone_user(user_id=gone.user_id, now=now)
        await comments.remove_user_comments(gone.user_id, now=now)
        await reactions.remove_user_reactions(gone.user_id)
        await views.remove_user_views(gone.user_id)

    return on_user_deleted
