"""Every consumed event has a contract, a handler and a model that reads it; the shared words
are the contracts' words."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from chassis.events import Envelope
from chassis.testing import ContractValidator
from engagement_service.consumers import models
from engagement_service.core import events
from engagement_service.core.service import build_definition
from engagement_service.core.vocabulary import CATEGORIES, REACTION_TYPES
from engagement_service.settings import EngagementSettings
from tests import events as ev
from tests.conftest import CONTRACTS_DIR

A, B, P, C = ev.new_id(), ev.new_id(), ev.new_id(), ev.new_id()
_comment = ev.comment(C, P, A, B, parent_id=ev.new_id())
_reaction = ev.reaction(ev.new_id(), P, A, B, type="FUNNY")

SAMPLES: dict[str, tuple[dict[str, Any], type[BaseModel] | None]] = {
    "user_registered": (ev.user_state(A, interests=["MUSIC"]), models.UserState),
    "user_updated": (ev.user_state(A, status="MUTED", changed=["status"]), models.UserState),
    "user_deleted": ({"user_id": A}, models.UserDeleted),
    "user_connected": (ev.connection(A, B), models.ConnectionChange),
    "user_disconnected": (ev.connection(A, B, totals=(0, 0)), models.ConnectionChange),
    "user_tokens_revoked": ({"user_id": A, "reason": "signout", "session_id": B}, None),
    "post_created": (ev.post(P, A, title=None), models.PostState),
    "post_updated": (ev.post(P, A, changed=["status"], previous_status="DRAFT"), models.PostState),
    "post_deleted": (ev.post_deleted(P, A, reason="account_deleted"), models.PostDeleted),
    "post_comment_created": (_comment, models.CommentEvent),
    "post_comment_updated": (ev.comment_updated(_comment, content="x"), models.CommentEvent),
    "post_comment_deleted": (
        ev.comment_deleted(_comment, reason="moderation"),
        models.CommentEvent,
    ),
    "post_reaction_created": (_reaction, models.ReactionEvent),
    "post_reaction_updated": (ev.reaction_updated(_reaction, type="SAD"), models.ReactionEvent),
    "post_reaction_deleted": (ev.reaction_deleted(_reaction), models.ReactionEvent),
    "post_viewed": (ev.view(ev.new_id(), P, A, B), models.ViewEvent),
    "content_removed": (
        ev.content_removed(A, C, content_type="COMMENT", post_id=None, already_gone=True),
        models.ContentRemoved,
    ),
}


def test_every_consumed_event_has_a_contract_a_handler_and_a_sample() -> None:
    assert set(SAMPLES) == set(events.CONSUMED)
    for event_type in events.CONSUMED:
        assert (CONTRACTS_DIR / "events" / f"{event_type}.v1.json").exists(), event_type
    definition = build_definition(EngagementSettings())
    assert definition.handlers is not None
    # The handlers function only needs resources for the eviction handler and the context.
    assert definition.name == "engagement"


@pytest.mark.parametrize("event_type", sorted(SAMPLES))
def test_samples_match_the_contract_and_our_models_read_them(
    event_type: str, contracts: ContractValidator
) -> None:
    data, model = SAMPLES[event_type]
    envelope = Envelope(type=event_type, producer=ev.PRODUCERS[event_type], data=data)
    contracts.validate(envelope)
    # What travels on the stream reads back the same.
    contracts.validate(Envelope.from_fields(envelope.to_fields()))
    if model is not None:
        parsed = model.model_validate(data)
        for key, value in data.items():
            if key.endswith("_id") and value is not None and key in type(parsed).model_fields:
                assert str(getattr(parsed, key)) == value


@pytest.mark.parametrize(
    ("event_type", "broken"),
    [
        ("post_reaction_created", lambda d: {**d, "type": "MEH"}),
        ("post_comment_created", lambda d: {**d, "extra": 1}),
        ("post_viewed", lambda d: {k: v for k, v in d.items() if k != "viewed_at"}),
    ],
)
def test_the_validator_catches_broken_envelopes(
    event_type: str,
    broken: Callable[[dict[str, Any]], dict[str, Any]],
    contracts: ContractValidator,
) -> None:
    import jsonschema

    data = broken(SAMPLES[event_type][0])
    with pytest.raises(jsonschema.ValidationError):
        contracts.validate(Envelope(type=event_type, producer="x", data=data))


def test_shared_words_equal_the_contracts() -> None:
    vocabulary = json.loads((CONTRACTS_DIR / "vocabulary.json").read_text())
    assert list(CATEGORIES) == vocabulary["interests"]
    schema = json.loads((CONTRACTS_DIR / "events" / "post_reaction_created.v1.json").read_text())
    assert list(REACTION_TYPES) == schema["properties"]["data"]["properties"]["type"]["enum"]
    assert sorted(models.ReactionEvent.model_fields["type"].annotation.__args__) == sorted(  # type: ignore[union-attr]
        REACTION_TYPES
    )
