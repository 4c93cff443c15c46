from __future__ import annotations

from pydantic import BaseModel, Field

from chassis.schemas import RequestModel
from moderation_service.analysis.analyzer import Analysis, Decision, Thresholds
from moderation_service.core.vocabulary import Reason

MAX_TEXT = 10_000


class AnalyzeRequest(RequestModel):
    # Not a free-text field like the notes (chassis.text): it is never stored or shown, and
    # moderators try on purpose the disguises content may carry (zero-width characters, look-
    # alike letters, bidi overrides), to see what the analysis makes of them.
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class BlocklistHitRead(BaseModel):
    term: str
    reason: Reason
    weight: float


class ThresholdsRead(BaseModel):
    review: float
    removal: float
    blocklist_alone: float


class AnalysisRead(BaseModel):
    """What the analysis would decide for a text; nothing is stored."""

    decision: Decision
    reason: Reason | None
    score: float
    scores: dict[str, float] = Field(description="offensive, spam and blocklist, each 0..1")
    blocklist_hits: list[BlocklistHitRead]
    spam_rules: dict[str, float]
    model: str
    budget_exceeded: bool = Field(
        description="The analysis did not finish within its time budget: content like this "
        "goes to review, unjudged"
    )
    thresholds: ThresholdsRead

    @classmethod
    def of(cls, analysis: Analysis, thresholds: Thresholds) -> AnalysisRead:
        return cls(
            decision=analysis.decision,
            reason=analysis.reason,
            score=analysis.score,
            scores=analysis.scores,
            blocklist_hits=[
                BlocklistHitRead(term=h.term, reason=h.reason, weight=h.weight)
                for h in analysis.blocklist_hits
            ],
            spam_rules=analysis.spam_rules,
            model=analysis.model,
            budget_exceeded=analysis.budget_exceeded,
            thresholds=ThresholdsRead(
                review=thresholds.review,
                removal=thresholds.removal,
                blocklist_alone=thresholds.blocklist_alone,
            ),
        )
