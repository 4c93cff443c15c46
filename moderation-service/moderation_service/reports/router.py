"""Users report posts and comments (``/reports``)."""

from __future__ import annotations

from fastapi import APIRouter, status

from chassis.db import UnitOfWork
from chassis.schemas import error_responses
from chassis.tokens import CurrentUser
from moderation_service.core.context import Ctx
from moderation_service.moderations.dependencies import caller_id
from moderation_service.reports import service
from moderation_service.reports.schemas import ReportCreate, ReportRead

router = APIRouter(tags=["reports"])


@router.post(
    "/reports",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 401, 404, 409, 422, 503),
)
async def create_report(
    body: ReportCreate, user: CurrentUser, ctx: Ctx, _: UnitOfWork
) -> ReportRead:
    """Report a post or comment to the moderators (once per user and content)."""
    report = await service.report_content(
        ctx,
        reporter_id=caller_id(user),
        content_type=body.content_type,
        content_id=body.content_id,
        reason=body.reason,
        note=body.note,
    )
    return ReportRead.of(report, content_type=body.content_type, content_id=body.content_id)
