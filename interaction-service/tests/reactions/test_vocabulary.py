"""The reaction types and their polarity are the platform's shared vocabulary."""

from __future__ import annotations

import json

from interaction_service.reactions.models import NEGATIVE, POSITIVE, ReactionType
from tests.conftest import REPO


def test_reaction_groups_equal_the_shared_vocabulary() -> None:
    groups = json.loads((REPO / "contracts" / "vocabulary.json").read_text())["reactions"]
    assert [t.value for t in POSITIVE] == groups["positive"]
    assert [t.value for t in NEGATIVE] == groups["negative"]
    assert {t.value for t in ReactionType} == {*groups["positive"], *groups["negative"]}
