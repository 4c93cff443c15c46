"""Which reactions count as positive is the platform's shared vocabulary, not this service's."""

from __future__ import annotations

import json

from post_service.counters.service import POSITIVE_REACTIONS, is_positive
from tests.conftest import ROOT


def test_positive_reactions_equal_the_shared_vocabulary() -> None:
    groups = json.loads((ROOT / "contracts" / "vocabulary.json").read_text())["reactions"]
    assert set(groups["positive"]) == POSITIVE_REACTIONS
    assert not any(is_positive(kind) for kind in groups["negative"])
