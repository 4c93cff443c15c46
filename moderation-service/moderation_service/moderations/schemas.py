from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

from chassis.schemas import RequestModel
from chassis.text import multiline_text
from moderation_service.core.vocabulary import ContentType, Decision, Reason
from moderation_service.moderations.models import (
    ActionType,
    ActorType,
    Appeal,
    AppealStatus,
    Moderation,
    ModerationAction,
    ModerationStatus,
)

EXCERPT_CHARS = 200


# Every free-text field of the service's requests (moderators' notes, appeals, reports): the
# platform's one rule for typed text (no control, bidi or zero-width characters; see chassis.text).
Note = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(multiline_text)]


class ModerationApprove(RequestModel):
    note: Note | None = None


class ModerationRemove(RequestModel):
    reason: Reason
    note: Note | None = None


class AppealCreate(RequestModel):
    note: Note


class Scores(BaseModel):
    offensive: float
    spam: float
    blocklist: float


class ModerationSummary(BaseModel):
    """A case as listed in the queue."""

    id: uuid.UUID
    content_type: ContentType
    content_id: uuid.UUID
    post_id: uuid.UUID | None
    author_id: uuid.UUID
    excerpt: str | None = Field(description="The start of the analysed text (null once dropped)")
    status: ModerationStatus
    decision: Decision
    reason: Reason | None
    score: float
    scores: Scores
    report_count: int
    appealed: bool
    content_deleted: bool
    decided_at: datetime
    created_at: datetime
    updated_at: datetime

    @classmethod
    def fields_of(cls, m: Moderation) -> dict[str, Any]:
        text = None
        if m.content is not None:
            text = m.content if m.title is None else f"{m.title}\n{m.content}"
        return {
            "id": m.id,
            "content_type": m.content_type,
            "content_id": m.content_id,
            "post_id": m.post_id,
            "author_id": m.author_id,
            "excerpt": None if text is None else text[:EXCERPT_CHARS],
            "status": m.status,
            "decision": m.decision,
            "reason": m.reason,
            "score": m.score,
            "scores": Scores(
                offensive=m.offensive_score, spam=m.spam_score, blocklist=m.blocklist_score
            ),
            "report_count": m.report_count,
            "appealed": m.appealed,
            "content_deleted": m.content_deleted_at is not None,
            "decided_at": m.decided_at,
            "created_at": m.created_at,
            "updated_at": m.updated_at,
        }

    @classmethod
    def of(cls, m: Moderation) -> ModerationSummary:
        return cls(**cls.fields_of(m))


class ActionRead(BaseModel):
    """One entry of a case's history: who (the system, a moderator or the author) did what."""

    id: int
    action: ActionType
    actor_type: ActorType
    actor_id: uuid.UUID | None
    from_status: ModerationStatus | None
    to_status: ModerationStatus
    reason: Reason | None
    note: str | None
    data: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, action: ModerationAction) -> ActionRead:
        return cls.model_validate(action, from_attributes=True)


class ReportSummary(BaseModel):
    id: uuid.UUID
    reporter_id: uuid.UUID
    reason: Reason
    note: str | None
    created_at: datetime


class AppealRead(BaseModel):
    id: uuid.UUID
    moderation_id: uuid.UUID
    note: str
    status: AppealStatus
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: uuid.UUID | None

    @classmethod
    def of(cls, appeal: Appeal) -> AppealRead:
        return cls.model_validate(appeal, from_attributes=True)


class ModerationDetail(ModerationSummary):
    """A case with its text snapshot, what fired, its history, reports and appeal."""

    title: str | None
    content: str | None
    details: dict[str, Any] = Field(description="Blocklist terms and spam rules that fired")
    model: str
    open_reports: int
    content_deleted_at: datetime | None
    reviewed_at: datetime | None
    history: list[ActionRead]
    reports: list[ReportSummary] = Field(description="The latest 50 reports")
    appeal: AppealRead | None
