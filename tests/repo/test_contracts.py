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
