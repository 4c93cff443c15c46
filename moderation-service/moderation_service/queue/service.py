"""The moderators' queue, and what they read of a case.

The queue (no status given) is every case that needs a moderator (``moderations.rules``),
highest priority first: open appeals, then the number of reports, then the score, then the id,
all descending. The cursor carries all four keys; with a status, the same order lists every
case of that status.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from chassis.pagination import PageParams, decode_cursor, encode_cursor
from moderation_service.appeals.service import appeal_of
from moderation_service.core.vocabulary import ContentType, Reason
from moderation_service.moderations.models import (
    Appeal,
    Moderation,
    ModerationAction,
    ModerationStatus,
)
from moderation_service.moderations.service import get_case
from moderation_service.queue import queries
from moderation_service.reports import queries as reports
from moderation_service.reports.models import Report

REPORTS_SHOWN = 50


@dataclass(frozen=True)
class CaseDetail:
    moderation: Moderation
    history: list[ModerationAction]
    reports: list[Report]  # the latest REPORTS_SHOWN
    appeal: Appeal | None


def queue_key(moderation: Moderation) -> queries.QueueKey:
    """A case's place in the queue's order (what a cursor carries)."""
    return (moderation.appealed, moderation.report_count, moderation.score, moderation.id)


def decode_queue_cursor(cursor: str) -> queries.QueueKey:
    """The key a cursor carries; anything but a bool, an int32, a finite float and a UUID is a
    400 ``invalid_cursor`` (the chassis's decoder)."""
    appealed, reports_, score, last_id = decode_cursor(cursor, ("bool", "int32", "float", "uuid"))
    return (appealed, reports_, score, last_id)


async def list_moderations(
    *,
    page: PageParams,
    status: ModerationStatus | None,
    content_type: ContentType | None,
    reason: Reason | None,
    author_id: uuid.UUID | None,
) -> tuple[list[Moderation], str | None]:
    """The queue (no status given) or every case of a status, highest priority first."""
    rows = await queries.priority_page(
        status=status,
        content_type=content_type,
        reason=reason,
        author_id=author_id,
        after=decode_queue_cursor(page.cursor) if page.cursor else None,
        limit=page.limit + 1,
    )
    if len(rows) <= page.limit:
        return rows, None
    rows = rows[: page.limit]
    return rows, encode_cursor(list(queue_key(rows[-1])))


async def case_detail(moderation_id: uuid.UUID) -> CaseDetail:
    """A case with its history, its latest reports and its appeal; 404 when there is none."""
    moderation = await get_case(moderation_id)
    return CaseDetail(
        moderation=moderation,
        history=await queries.case_history(moderation.id),
        reports=await reports.latest_reports(moderation.id, limit=REPORTS_SHOWN),
        appeal=await appeal_of(moderation),
    )
