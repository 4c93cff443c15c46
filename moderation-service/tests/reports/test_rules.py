"""Who may see (and so report) content, and when reports send it to review, without a
database."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from moderation_service.core.vocabulary import ContentType, PostStatus
from moderation_service.moderations.models import ModerationStatus
from moderation_service.reports.service import reaches_review, sees_content, sees_post
from tests.conftest import case_in_memory

AT = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
AUTHOR, READER = uuid.uuid4(), uuid.uuid4()


@pytest.mark.parametrize(
    ("status", "author_sees", "reader_sees"),
    [
        (PostStatus.POSTED, True, True),
        (PostStatus.DRAFT, True, False),
        (PostStatus.ARCHIVED, True, False),
        (None, True, False),  # a status we never learnt: only its author
    ],
)
def test_a_post_is_seen_as_the_post_service_shows_it(
    status: PostStatus | None, author_sees: bool, reader_sees: bool
) -> None:
    post = case_in_memory(author_id=AUTHOR, post_status=status)
    assert sees_post(post, AUTHOR) is author_sees
    assert sees_post(post, READER) is reader_sees
    assert sees_content(post, None, READER) is reader_sees


def test_a_comment_is_seen_when_its_post_is() -> None:
    post_id = uuid.uuid4()
    comment = case_in_memory(
        content_type=ContentType.COMMENT, post_id=post_id, author_id=READER, post_status=None
    )
    # Comments are only written on POSTED posts: one whose post we never heard of is visible.
    assert sees_content(comment, None, READER)
    posted = case_in_memory(content_id=post_id, author_id=AUTHOR, post_status=PostStatus.POSTED)
    assert sees_content(comment, posted, READER)
    draft = case_in_memory(content_id=post_id, author_id=AUTHOR, post_status=PostStatus.DRAFT)
    assert not sees_content(comment, draft, READER)
    assert sees_content(comment, draft, AUTHOR)  # the post's author sees their draft's comments
    deleted = case_in_memory(
        content_id=post_id, author_id=AUTHOR, post_status=PostStatus.POSTED, content_deleted_at=AT
    )
    assert not sees_content(comment, deleted, READER)
    assert not sees_content(comment, deleted, AUTHOR)


@pytest.mark.parametrize(
    ("status", "open_reports", "review"),
    [
        (ModerationStatus.APPROVED, 2, False),
        (ModerationStatus.APPROVED, 3, True),
        (ModerationStatus.APPROVED, 4, True),
        (ModerationStatus.PENDING_REVIEW, 5, False),  # already there
        (ModerationStatus.DELETE_REQUESTED, 5, False),
        (ModerationStatus.DELETE_CONFIRMED, 5, False),
    ],
)
def test_enough_reports_send_approved_content_to_review(
    status: ModerationStatus, open_reports: int, review: bool
) -> None:
    assert reaches_review(status, open_reports=open_reports, reports_to_review=3) is review
