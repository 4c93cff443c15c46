"""The pure rules of reactions: counts per type and the polarity groups."""

from __future__ import annotations

import pytest

from interaction_service.reactions.models import NEGATIVE, POSITIVE, ReactionType
from interaction_service.reactions.service import Tally, counts_per_type, polarity_totals


def test_every_type_is_counted_zeros_included() -> None:
    assert counts_per_type({"LOVE": 3, "SAD": 1}) == {
        ReactionType.LIKE: 0,
        ReactionType.LOVE: 3,
        ReactionType.ANGRY: 0,
        ReactionType.SAD: 1,
        ReactionType.FUNNY: 0,
        ReactionType.JOY: 0,
    }
    assert set(counts_per_type({}).values()) == {0}


def test_a_type_the_service_does_not_know_is_refused() -> None:
    with pytest.raises(ValueError):
        counts_per_type({"MEH": 1})


def test_every_type_has_exactly_one_polarity() -> None:
    assert set(POSITIVE) | set(NEGATIVE) == set(ReactionType)
    assert not set(POSITIVE) & set(NEGATIVE)


def test_counts_are_summed_per_polarity_group() -> None:
    counts = counts_per_type({"LIKE": 1, "LOVE": 2, "FUNNY": 4, "JOY": 8, "ANGRY": 16, "SAD": 32})
    assert polarity_totals(counts) == (15, 48)
    assert polarity_totals(counts_per_type({})) == (0, 0)
    assert polarity_totals({ReactionType.SAD: 2}) == (0, 2)  # absent types count as none


def test_a_tally_totals_its_counts() -> None:
    tally = Tally(counts=counts_per_type({"JOY": 2, "ANGRY": 1}), mine=ReactionType.JOY)
    assert (tally.total, tally.positive, tally.negative, tally.mine) == (3, 2, 1, ReactionType.JOY)
