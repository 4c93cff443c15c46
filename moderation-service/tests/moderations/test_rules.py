"""The rules of a case, without a database: the status an analysis gives, who is queued, and
which post status is the newer."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from moderation_service.core.vocabulary import Decision, PostStatus
from moderation_service.moderations.models import ModerationStatus
from moderation_service.moderations.rules import (
    needs_moderator,
    refresh_queue,
    status_after_analysis,
    take_post_status,
)
from tests.conftest import case_in_memory

AT = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("decision", "open_reports", "expected"),
    [
        (Decision.APPROVE, 0, ModerationStatus.APPROVED),
        (Decision.APPROVE, 2, ModerationStatus.APPROVED),  # reported, but under the threshold
        (Decision.APPROVE, 3, ModerationStatus.PENDING_REVIEW),  # reported content stays
        (Decision.REVIEW, 0, ModerationStatus.PENDING_REVIEW),
        (Decision.REMOVE, 0, ModerationStatus.DELETE_REQUESTED),
        (Decision.REMOVE, 5, ModerationStatus.DELETE_REQUESTED),  # reports never soften it
    ],
)
def test_the_status_an_analysis_gives(
    decision: Decision, open_reports: int, expected: ModerationStatus
) -> None:
    assert status_after_analysis(decision, open_reports=open_reports, reports_to_review=3) == (
        expected
    )


@pytest.mark.parametrize(
    ("status", "appealed", "deleted", "open_reports", "queued"),
    [
        (ModerationStatus.PENDING_REVIEW, False, False, 0, True),
        (ModerationStatus.APPROVED, False, False, 0, False),
        (ModerationStatus.APPROVED, False, False, 1, True),  # reports nobody looked at
        (ModerationStatus.PENDING_REVIEW, False, True, 0, False),  # gone: nothing to decide
        (ModerationStatus.APPROVED, False, True, 4, False),
        (ModerationStatus.DELETE_REQUESTED, False, False, 3, False),
        (ModerationStatus.DELETE_CONFIRMED, True, True, 0, True),  # an open appeal, always
        (ModerationStatus.DELETE_REQUESTED, True, False, 0, True),
    ],
)
def test_who_needs_a_moderator(
    status: ModerationStatus, appealed: bool, deleted: bool, open_reports: int, queued: bool
) -> None:
    assert (
        needs_moderator(
            status=status, appealed=appealed, content_deleted=deleted, open_reports=open_reports
        )
        is queued
    )
    case = case_in_memory(
        status=status,
        appealed=appealed,
        content_deleted_at=AT if deleted else None,
        open_reports=open_reports,
        queued=not queued,
    )
    refresh_queue(case)
    assert case.queued is queued


def test_only_a_newer_post_status_is_taken() -> None:
    case = case_in_memory(post_status=PostStatus.DRAFT, post_status_at=AT)
    assert not take_post_status(case, None, at=AT + timedelta(minutes=1))  # a comment's event
    assert not take_post_status(case, PostStatus.POSTED, at=AT)  # as recent: already known
    assert not take_post_status(case, PostStatus.POSTED, at=AT - timedelta(seconds=1))
    assert (case.post_status, case.post_status_at) == (PostStatus.DRAFT, AT)

    later = AT + timedelta(minutes=1)
    assert take_post_status(case, PostStatus.POSTED, at=later)
    assert (case.post_status, case.post_status_at) == (PostStatus.POSTED, later)

    unknown = case_in_memory(post_status=None, post_status_at=None)  # analysed before the column
    assert take_post_status(unknown, PostStatus.ARCHIVED, at=AT - timedelta(days=400))
    assert unknown.post_status == PostStatus.ARCHIVED
