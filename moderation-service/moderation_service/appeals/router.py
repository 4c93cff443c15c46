"""The author's appeal of a removal (``/moderations/{id}/appeal``)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from chassis.db import UnitOfWork
from chassis.schemas import error_responses
from chassis.tokens import CurrentUser
from moderation_service.appeals import service
from moderation_service.core.context import Ctx
from moderation_service.moderations.dependencies import caller_id
from moderation_service.moderations.schemas import AppealCreate, AppealRead

router = APIRouter(tags=["moderations"])


@router.post(
    "/moderations/{moderation_id}/appeal",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 404, 409, 422, 503),
)
async def appeal_moderation(
    moderation_id: uuid.UUID, body: AppealCreate, user: CurrentUser, ctx: Ctx, _: UnitOfWork
) -> AppealRead:
    """Appeal the removal of your own content, once, within the appeal window."""
    appeal = await service.appeal(
        ctx, moderation_id=moderation_id, user_id=caller_id(user), note=body.note
    )
    return AppealRead.of(appeal)
