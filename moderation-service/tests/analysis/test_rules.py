"""The decision from a combined score and the thresholds, without the model."""

from __future__ import annotations

import pytest

from moderation_service.analysis.analyzer import Thresholds, decision_for
from moderation_service.core.vocabulary import Decision

DEFAULTS = Thresholds(review=0.5, removal=0.9)


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0.0, Decision.APPROVE),
        (0.4999, Decision.APPROVE),
        (0.5, Decision.REVIEW),  # the review threshold itself is reviewed
        (0.8999, Decision.REVIEW),
        (0.9, Decision.REMOVE),  # and the removal threshold removed
        (1.0, Decision.REMOVE),
    ],
)
def test_the_decision_from_a_score(score: float, expected: Decision) -> None:
    assert decision_for(score, DEFAULTS) is expected


def test_equal_thresholds_leave_no_review() -> None:
    strict = Thresholds(review=0.7, removal=0.7)
    assert [decision_for(s, strict) for s in (0.69, 0.7)] == [Decision.APPROVE, Decision.REMOVE]
