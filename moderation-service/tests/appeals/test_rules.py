"""The appeal window and what may be appealed, without a database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from chassis.errors import Conflict
from moderation_service.appeals.service import check_appealable, within_appeal_window
from moderation_service.moderations.models import ModerationStatus

DECIDED = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def test_the_window_opens_with_the_decision_and_closes_after_its_days() -> None:
    assert within_appeal_window(DECIDED, now=DECIDED, window_days=7)
    assert within_appeal_window(DECIDED, now=DECIDED + timedelta(days=7), window_days=7)
    assert not within_appeal_window(
        DECIDED, now=DECIDED + timedelta(days=7, microseconds=1), window_days=7
    )
    assert within_appeal_window(DECIDED, now=DECIDED + timedelta(hours=11), window_days=0.5)
    assert not within_appeal_window(DECIDED, now=DECIDED + timedelta(hours=13), window_days=0.5)


@pytest.mark.parametrize(
    "status", [ModerationStatus.DELETE_REQUESTED, ModerationStatus.DELETE_CONFIRMED]
)
def test_a_removal_may_be_appealed_once_within_the_window(status: ModerationStatus) -> None:
    check_appealable(status, already_appealed=False, decided_at=DECIDED, now=DECIDED, window_days=7)


@pytest.mark.parametrize(
    ("status", "already", "days_later", "code"),
    [
        (ModerationStatus.DELETE_CONFIRMED, True, 0, "already_appealed"),
        (ModerationStatus.APPROVED, False, 0, "not_appealable"),
        (ModerationStatus.PENDING_REVIEW, False, 0, "not_appealable"),
        (ModerationStatus.DELETE_CONFIRMED, False, 8, "appeal_window_closed"),
        # The first refusal that applies is the one given.
        (ModerationStatus.APPROVED, True, 8, "already_appealed"),
        (ModerationStatus.APPROVED, False, 8, "not_appealable"),
    ],
)
def test_what_refuses_an_appeal(
    status: ModerationStatus, already: bool, days_later: int, code: str
) -> None:
    with pytest.raises(Conflict) as refused:
        check_appealable(
            status,
            already_appealed=already,
            decided_at=DECIDED,
            now=DECIDED + timedelta(days=days_later),
            window_days=7,
        )
    assert refused.value.code == code
