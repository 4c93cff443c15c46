"""The categories are the shared vocabulary (``contracts/vocabulary.json``), and the contracts
this service produces and consumes list the same words."""

from __future__ import annotations

import json

from post_service.core.vocabulary import CATEGORIES
from tests.conftest import CONTRACTS_DIR


def test_categories_equal_the_shared_vocabulary() -> None:
    vocabulary = json.loads((CONTRACTS_DIR / "vocabulary.json").read_text())
    assert list(CATEGORIES) == vocabulary["interests"]


def test_event_contracts_use_the_same_categories() -> None:
    for name in ("post_created", "post_updated", "post_deleted", "post_reaction_created"):
        schema = json.loads((CONTRACTS_DIR / "events" / f"{name}.v1.json").read_text())
        categories = schema["properties"]["data"]["properties"]["categories"]
        assert categories["items"]["enum"] == list(CATEGORIES), name
