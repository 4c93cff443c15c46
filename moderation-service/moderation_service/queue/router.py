"""The moderators' queue and a case's detail (``/moderations``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from chassis.pagination import Page, Pagination
from chassis.schemas import error_responses
from moderation_service.core.vocabulary import ContentType, Reason
from moderation_service.moderations.dependencies import Moderator
from moderation_service.moderations.models import ModerationStatus
from moderation_service.moderations.schemas import (
    ActionRead,
    AppealRead,
    ModerationDetail,
    ModerationSummary,
    ReportSummary,
)
from moderation_service.queue import service

router = APIRouter(tags=["moderations"])


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
    detail = await service.case_detail(moderation_id)
    moderation = detail.moderation
    return ModerationDetail(
        **ModerationSummary.fields_of(moderation),
        title=moderation.title,
        content=moderation.content,
        details=moderation.details,
        model=moderation.model,
        open_reports=moderation.open_reports,
        content_deleted_at=moderation.content_deleted_at,
        reviewed_at=moderation.reviewed_at,
        history=[ActionRead.of(a) for a in detail.history],
        reports=[ReportSummary.model_validate(r, from_attributes=True) for r in detail.reports],
        appeal=AppealRead.of(detail.appeal) if detail.appeal else None,
    )
