"""Statements of what moderators read: the queue in priority order, and a case's history."""

from __future__ import annotations

import uuid

from tortoise.expressions import RawSQL

from moderation_service.core.vocabulary import ContentType, Reason
from moderation_service.moderations.models import Moderation, ModerationAction, ModerationStatus

QUEUE_ORDER = ("-appealed", "-report_count", "-score", "-id")
QueueKey = tuple[bool, int, float, uuid.UUID]


def _after(key: QueueKey) -> str:
    """``(appealed, report_count, score, id) < key`` as SQL. The key's values are exactly a
    bool, an int, a finite float and a UUID (decoded by the chassis, see ``service``), each
    rendered below in a form that cannot carry SQL: the literals are safe to inline."""
    appealed, reports, score, last_id = key
    return (
        '(("appealed", "report_count", "score", "id") < '
        f"({'true' if appealed else 'false'}, {int(reports)}, {float(score)!r}::float8, "
        f"'{uuid.UUID(str(last_id))}'::uuid))"
    )


async def priority_page(
    *,
    status: ModerationStatus | None,
    content_type: ContentType | None,
    reason: Reason | None,
    author_id: uuid.UUID | None,
    after: QueueKey | None,
    limit: int,
) -> list[Moderation]:
    """Up to ``limit`` cases of the queue (no status given) or of a status, in ``QUEUE_ORDER``
    after ``after``: one row comparison, which Postgres uses as an index bound, so a deep page
    costs what the first one does (README, "Query plans")."""
    query = Moderation.filter(status=status) if status else Moderation.filter(queued=True)
    if content_type:
        query = query.filter(content_type=content_type)
    if reason:
        query = query.filter(reason=reason)
    if author_id:
        query = query.filter(author_id=author_id)
    if after is not None:
        query = query.annotate(after_cursor=RawSQL(_after(after))).filter(after_cursor=True)
    return await query.order_by(*QUEUE_ORDER).limit(limit)


async def case_history(moderation_id: uuid.UUID) -> list[ModerationAction]:
    return await ModerationAction.filter(moderation_id=moderation_id).order_by("id")
