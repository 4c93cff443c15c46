"""Every event contract is a valid JSON Schema of the one envelope shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
SCHEMAS = sorted((CONTRACTS / "events").glob("*.json"))
ENVELOPE = ["event_id", "type", "version", "occurred_at", "producer", "data"]


def test_there_are_contracts() -> None:
    assert len(SCHEMAS) >= 6


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_contract_is_a_valid_envelope_schema(path: Path) -> None:
    schema = json.loads(path.read_text())
    Draft202012Validator.check_schema(schema)
    event_type, version = path.name.removesuffix(".json").rsplit(".v", 1)
    assert schema["properties"]["type"] == {"const": event_type}
    assert schema["properties"]["version"] == {"const": int(version)}
    assert schema["required"] == ENVELOPE
    assert schema["additionalProperties"] is False
    data = schema["properties"]["data"]
    assert data["additionalProperties"] is False, "producers may not leak unagreed fields"
    assert set(data["required"]) <= set(data["properties"])
    assert "email" not in data["properties"], "events never carry email addresses"


def test_category_enums_follow_the_shared_vocabulary() -> None:
    vocabulary = json.loads((CONTRACTS / "vocabulary.json").read_text())["interests"]
    for path in SCHEMAS:
        categories = json.loads(path.read_text())["properties"]["data"]["properties"].get(
            "categories"
        )
        if categories is not None:
            assert categories["items"]["enum"] == vocabulary, path.name


def test_reaction_enums_are_the_vocabulary_s_two_groups() -> None:
    """Reaction types and their polarity are data: vocabulary.json's positive and negative
    groups, together exactly the types every reaction event allows."""
    groups = json.loads((CONTRACTS / "vocabulary.json").read_text())["reactions"]
    positive, negative = set(groups["positive"]), set(groups["negative"])
    assert positive and negative and not positive & negative
    checked = 0
    for path in SCHEMAS:
        properties = json.loads(path.read_text())["properties"]["data"]["properties"]
        for name in ("type", "reaction_type", "previous_type"):
            if path.name.startswith("post_reaction_") and name in properties:
                enum = properties[name].get("enum")
                if enum is not None:
                    assert set(enum) == positive | negative, (path.name, name)
                    checked += 1
    assert checked >= 3
