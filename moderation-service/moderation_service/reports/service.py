"""User reports: each raises its case's priority in the queue; enough of them since the last
moderator decision send approved content back to review."""

from __future__ import annotations

import uuid

from tortoise.exceptions import IntegrityError

from chassis.errors import BadRequest, Conflict, NotFound
from moderation_service.core.context import ModerationContext
from moderation_service.core.vocabulary import ContentType, Reason
from moderation_service.moderations.models import ActionType, Moderation, ModerationStatus
from moderation_service.moderations.service import can_see, record, refresh_queue
from moderation_service.reports.models import Report


async def recount_reports(moderation: Moderation) -> None:
    """Set the case's report counters from its reports (all, and those since its review)."""
    reports = Report.filter(moderation_id=moderation.id)
    moderation.report_count = await reports.count()
    if moderation.reviewed_at is None:
        moderation.open_reports = moderation.report_count
    else:
        moderation.open_reports = await reports.filter(
            created_at__gt=moderation.reviewed_at
        ).count()


async def report_content(
    ctx: ModerationContext,
    *,
    reporter_id: str,
    content_type: ContentType,
    content_id: uuid.UUID,
    reason: Reason,
    note: str | None,
) -> Report:
    moderation = (
        await Moderation.filter(content_type=content_type, content_id=content_id)
        .select_for_update()
        .first()
    )
    # Content we never saw, that is gone, or that the reporter cannot see (another user's
    # draft, say) cannot be reported, and all get the same answer: a report must not tell
    # whether hidden content exists.
    if (
        moderation is None
        or moderation.content_deleted_at is not None
        or not await can_see(moderation, reporter_id)
    ):
        raise NotFound("No such content")
    if str(moderation.author_id) == reporter_id:
        raise BadRequest("You cannot report your own content", code="own_content")
    if await Report.exists(moderation_id=moderation.id, reporter_id=reporter_id):
        raise Conflict("You already reported this content", code="already_reported")
    now = ctx.now()
    try:
        report = await Report.create(
            moderation_id=moderation.id,
            reporter_id=reporter_id,
            reason=reason,
            note=note,
            created_at=now,
        )
    except IntegrityError as exc:  # a concurrent identical report won the race
        raise Conflict("You already reported this content", code="already_reported") from exc
    await recount_reports(moderation)
    previous = moderation.status
    if (
        previous == ModerationStatus.APPROVED
        and moderation.open_reports >= ctx.settings.reports_to_review
    ):
        moderation.status = ModerationStatus.PENDING_REVIEW
        moderation.decided_at = now
        await record(
            moderation,
            ActionType.REPORTS_THRESHOLD,
            now=now,
            from_status=previous,
            data={"open_reports": moderation.open_reports},
        )
    refresh_queue(moderation)
    await moderation.save()
    return report


async def latest_reports(moderation: Moderation, *, limit: int) -> list[Report]:
    return (
        await Report.filter(moderation_id=moderation.id).order_by("-created_at", "-id").limit(limit)
    )
