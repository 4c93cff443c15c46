"""What a moderator's approve and remove may do to a case, without a database."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chassis.errors import Conflict
from moderation_service.decisions.service import approval, check_removable
from moderation_service.moderations.models import ActionType, ModerationStatus
from tests.conftest import case_in_memory

AT = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
S = ModerationStatus


@pytest.mark.parametrize(
    ("fields", "action"),
    [
        ({"status": S.PENDING_REVIEW}, ActionType.APPROVED),
        ({"status": S.APPROVED, "open_reports": 1}, ActionType.APPROVED),  # dismisses reports
        ({"status": S.DELETE_CONFIRMED, "appealed": True}, ActionType.APPEAL_GRANTED),
        # Deleted content can still have its removal overturned.
        ({"status": S.DELETE_CONFIRMED, "appealed": True, "content_deleted_at": AT},
         ActionType.APPEAL_GRANTED),
    ],
)  # fmt: skip
def test_what_an_approve_does(fields: dict, action: ActionType) -> None:
    assert approval(case_in_memory(**fields)) is action


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"status": S.APPROVED}, "invalid_transition"),  # nothing to approve
        ({"status": S.DELETE_REQUESTED}, "invalid_transition"),
        ({"status": S.DELETE_CONFIRMED}, "invalid_transition"),
        ({"status": S.PENDING_REVIEW, "content_deleted_at": AT}, "content_gone"),
        ({"status": S.DELETE_REQUESTED, "appealed": True}, "removal_in_progress"),
    ],
)
def test_what_an_approve_refuses(fields: dict, code: str) -> None:
    with pytest.raises(Conflict) as refused:
        approval(case_in_memory(**fields))
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"status": S.APPROVED}, None),
        ({"status": S.PENDING_REVIEW}, None),
        ({"status": S.DELETE_REQUESTED}, "invalid_transition"),
        ({"status": S.DELETE_CONFIRMED}, "invalid_transition"),
        ({"status": S.APPROVED, "content_deleted_at": AT}, "content_gone"),
    ],
)
def test_what_a_remove_refuses(fields: dict, code: str | None) -> None:
    case = case_in_memory(**fields)
    if code is None:
        check_removable(case)
        return
    with pytest.raises(Conflict) as refused:
        check_removable(case)
    assert refused.value.code == code
