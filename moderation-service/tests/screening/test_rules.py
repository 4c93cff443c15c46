"""The screening's rules, without a database: which versions are judged, which texts count as
copies, and what an analysis writes on a case."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from moderation_service.analysis.analyzer import Analysis
from moderation_service.core.vocabulary import Decision, Reason
from moderation_service.moderations.models import ModerationStatus
from moderation_service.screening.service import (
    analysis_data,
    analysis_note,
    counts_as_copy,
    nothing_to_judge,
    take_analysis,
    take_signals,
)
from tests.conftest import case_in_memory

AT = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
ANALYSIS = Analysis(
    decision=Decision.REVIEW,
    reason=Reason.SPAM,
    score=0.6,
    offensive=0.1,
    spam=0.6,
    blocklist=0.0,
    spam_rules={"links": 0.6},
    model="alt-profanity-check==test",
)


def test_only_a_newer_version_of_live_content_is_judged() -> None:
    case = case_in_memory(version_at=AT)
    assert nothing_to_judge(case, AT)  # the same version again (a re-sent event)
    assert nothing_to_judge(case, AT - timedelta(seconds=1))  # an older one, late
    assert not nothing_to_judge(case, AT + timedelta(seconds=1))
    gone = case_in_memory(version_at=AT, content_deleted_at=AT)
    assert nothing_to_judge(gone, AT + timedelta(days=1))
    removed = case_in_memory(version_at=AT, status=ModerationStatus.DELETE_CONFIRMED)
    assert nothing_to_judge(removed, AT + timedelta(days=1))
    pending = case_in_memory(version_at=AT, status=ModerationStatus.DELETE_REQUESTED)
    assert not nothing_to_judge(pending, AT + timedelta(days=1))  # judged, removal stands


def test_short_texts_never_count_as_copies() -> None:
    assert not counts_as_copy("Thanks!", min_chars=20)
    # Letters and digits count, not spaces or punctuation: 19, then 20.
    assert not counts_as_copy("abcde fghij, klmno! pqrs", min_chars=20)
    assert counts_as_copy("abcde fghij, klmno! pqrst", min_chars=20)


def test_what_an_analysis_writes_on_a_case() -> None:
    case = case_in_memory(score=0.95, decision=Decision.REMOVE, reason=Reason.RACISM)
    take_signals(case, ANALYSIS)
    # The signals, what fired and the model; not the score, decision or reason it came with.
    assert (case.offensive_score, case.spam_score, case.blocklist_score) == (0.1, 0.6, 0.0)
    assert case.details["spam_rules"] == {"links": 0.6} and case.model == ANALYSIS.model
    assert (case.score, case.decision, case.reason) == (0.95, Decision.REMOVE, Reason.RACISM)

    take_analysis(case, ANALYSIS)
    assert (case.score, case.decision, case.reason) == (0.6, Decision.REVIEW, Reason.SPAM)


def test_the_history_entry_of_an_analysis() -> None:
    data = analysis_data(ANALYSIS)
    assert data["decision"] == "REVIEW" and data["score"] == 0.6
    assert data["scores"] == {"offensive": 0.1, "spam": 0.6, "blocklist": 0.0}
    assert data["spam_rules"] == {"links": 0.6} and "budget_exceeded" not in data
    assert analysis_note(ANALYSIS) is None
    over = Analysis(
        decision=Decision.REVIEW,
        reason=None,
        score=0.5,
        offensive=0.0,
        spam=0.0,
        blocklist=0.0,
        budget_exceeded=True,
    )
    assert analysis_data(over)["budget_exceeded"] is True
    assert "time budget" in (analysis_note(over) or "")
