"""The moderators' queue and actions (``/moderations``), and the author's appeal."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Query, status

from chassis.db import UnitOfWork
from chassis.pagination import Page, Pagination
from chassis.schemas import error_responses
from chassis.tokens import CurrentUser
from moderation_service.core.context import Ctx
from moderation_service.core.vocabulary import ContentType, Reason
from moderation_service.moderations import service
from moderation_service.moderations.dependencies import Moderator
from moderation_service.moderations.models import ModerationStatus
from moderation_service.moderations.schemas import (
    ActionRead,
    AppealCreate,
    AppealRead,
    ModerationApprove,
    ModerationDetail,
    ModerationRemove,
    ModerationSummary,
    ReportSummary,
)
from moderation_service.reports.service import latest_reports

router = APIRouter(tags=["moderations"])

REPORTS_SHOWN = 50


@router.get("/moderations", responses=error_responses(400, 401, 403, 422, 503))
async def list_moderations(
    moderator: Moderator,
    page: Pagination,
    status_: Annotated[
        ModerationStatus | None,
        Query(alias="status", description="Every case of this status instead of the queue"),
    ] = None,
    content_type: ContentType | None = None,
    reason: Reason | None = None,
    author_id: uuid.UUID | None = None,
) -> Page[ModerationSummary]:
    """The review queue (or every case of a status), open appeals and most reported first."""
    rows, cursor = await service.list_moderations(
        page=page, status=status_, content_type=content_type, reason=reason, author_id=author_id
    )
    return Page(items=[ModerationSummary.of(m) for m in rows], next_cursor=cursor)


@router.get("/moderations/{moderation_id}", responses=error_responses(401, 403, 404, 422, 503))
async def read_moderation(moderation_id: uuid.UUID, moderator: Moderator) -> ModerationDetail:
    """A case: the analysed text, its scores, history, reports and appeal."""
    moderation = await service.get_moderation(moderation_id)
    history = await service.case_history(moderation)
    reports = await latest_reports(moderation, limit=REPORTS_SHOWN)
    appeal = await service.case_appeal(moderation)
    return ModerationDetail(
        **ModerationSummary.fields_of(moderation),
        title=moderation.title,
        content=moderation.content,
        details=moderation.details,
        model=moderation.model,
        open_reports=moderation.open_reports,
        content_deleted_at=moderation.content_deleted_at,
        reviewed_at=moderation.reviewed_at,
        history=[ActionRead.of(a) for a in history],
        reports=[ReportSummary.model_validate(r, from_attributes=True) for r in reports],
        appeal=AppealRead.of(appeal) if appeal else None,
    )


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
        moderator_id=moderator.id,
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
        moderator_id=moderator.id,
        reason=body.reason,
        note=body.note,
    )
    return ModerationSummary.of(moderation)


@router.post(
    "/moderations/{moderation_id}/appeal",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 404, 409, 422, 503),
)
async def appeal_moderation(
    moderation_id: uuid.UUID, body: AppealCreate, user: CurrentUser, ctx: Ctx, _: UnitOfWork
) -> AppealRead:
    """Appeal the removal of your own content, once, within the appeal window."""
    appeal = await service.appeal(ctx, moderation_id=moderation_id, user_id=user.id, note=body.note)
    return AppealRead.of(appeal)
