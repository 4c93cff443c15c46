"""The moderators' decisions on a case (``/moderations/{id}/approve``, ``.../remove``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body

from chassis.db import UnitOfWork
from chassis.schemas import error_responses
from moderation_service.core.context import Ctx
from moderation_service.decisions import service
from moderation_service.moderations.dependencies import Moderator, caller_id
from moderation_service.moderations.schemas import (
    ModerationApprove,
    ModerationRemove,
    ModerationSummary,
)

router = APIRouter(tags=["moderations"])


@router.post(
    "/moderations/{moderation_id}/approve", responses=error_responses(401, 403, 404, 409, 422, 503)
)
async def approve_moderation(
    moderation_id: uuid.UUID,
    moderator: Moderator,
    ctx: Ctx,
    _: UnitOfWork,
    body: Annotated[ModerationApprove | None, Body()] = None,
) -> ModerationSummary:
    """Approve content in review, dismiss its reports, or grant an appeal of its removal."""
    moderation = await service.approve(
        ctx,
        moderation_id=moderation_id,
        moderator_id=caller_id(moderator),
        note=body.note if body else None,
    )
    return ModerationSummary.of(moderation)


@router.post(
    "/moderations/{moderation_id}/remove", responses=error_responses(401, 403, 404, 409, 422, 503)
)
async def remove_moderation(
    moderation_id: uuid.UUID, body: ModerationRemove, moderator: Moderator, ctx: Ctx, _: UnitOfWork
) -> ModerationSummary:
    """Have the content removed by its owner service, or deny an appeal of its removal."""
    moderation = await service.remove(
        ctx,
        moderation_id=moderation_id,
        moderator_id=caller_id(moderator),
        reason=body.reason,
        note=body.note,
    )
    return ModerationSummary.of(moderation)
