"""Statements on users' reports."""

from __future__ import annotations

import uuid
from datetime import datetime

from moderation_service.core.vocabulary import Reason
from moderation_service.reports.models import Report


async def report_exists(moderation_id: uuid.UUID, reporter_id: uuid.UUID) -> bool:
    return await Report.exists(moderation_id=moderation_id, reporter_id=reporter_id)


async def insert_report(
    *,
    moderation_id: uuid.UUID,
    reporter_id: uuid.UUID,
    reason: Reason,
    note: str | None,
    created_at: datetime,
) -> Report:
    """Raises ``IntegrityError`` when the reporter already reported the case."""
    return await Report.create(
        moderation_id=moderation_id,
        reporter_id=reporter_id,
        reason=reason,
        note=note,
        created_at=created_at,
    )


async def count_reports(moderation_id: uuid.UUID, *, after: datetime | None = None) -> int:
    """The case's reports (those made after ``after``, when given)."""
    reports = Report.filter(moderation_id=moderation_id)
    if after is not None:
        reports = reports.filter(created_at__gt=after)
    return await reports.count()


async def latest_reports(moderation_id: uuid.UUID, *, limit: int) -> list[Report]:
    return (
        await Report.filter(moderation_id=moderation_id).order_by("-created_at", "-id").limit(limit)
    )


async def delete_reports_by(reporter_id: uuid.UUID) -> set[uuid.UUID]:
    """Delete a user's reports; the cases they were about."""
    reported = await Report.filter(reporter_id=reporter_id).values_list("moderation_id", flat=True)
    await Report.filter(reporter_id=reporter_id).delete()
    return {uuid.UUID(str(moderation_id)) for moderation_id in reported}
