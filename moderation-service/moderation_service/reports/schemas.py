from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel

from chassis.schemas import RequestModel
from moderation_service.core.vocabulary import ContentType, Reason
from moderation_service.moderations.schemas import Note
from moderation_service.reports.models import Report


class ReportCreate(RequestModel):
    content_type: ContentType
    content_id: uuid.UUID
    reason: Reason
    note: Note | None = None


class ReportRead(BaseModel):
    """The reporter's own view of a report."""

    id: uuid.UUID
    content_type: ContentType
    content_id: uuid.UUID
    reason: Reason
    note: str | None
    created_at: datetime

    @classmethod
    def of(cls, report: Report, *, content_type: ContentType, content_id: uuid.UUID) -> ReportRead:
        return cls(
            id=report.id,
            content_type=content_type,
            content_id=content_id,
            reason=report.reason,
            note=report.note,
            created_at=report.created_at,
        )
