"""Every consumed event has a contract, a handler and a model that reads it; the shared words
are the contracts' words."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel

from chassis.events import Envelope
from chassis.testing import ContractValidator
from engagement_service.activity import consumers as activity
from engagement_service.core.service import build_definition
from engagement_service.core.vocabulary import CATEGORIES, REACTION_TYPES
from engagement_service.notifications import consumers as notifications
from engagement_service.recommendations import consumers as recommendations
from engagement_service.settings import EngagementSettings
from engagement_service.users import consumers as users
from tests import events as ev
from tests.conftest import CONTRACTS_DIR

A, B, P, C = ev.new_id(), ev.new_id(), ev.new_id(), ev.new_id()
_comment = ev.comment(C, P, A, B, parent_id=ev.new_id())
_reaction = ev.reaction(ev.new_id(), P, A, B, type="FUNNY")

# Each consumed type, a sample of its data, and every model of this service that reads it (one
# per domain that handles it; user_tokens_revoked is only the chassis's token eviction here).
SAMPLES: dict[str, tuple[dict[str, Any], list[type[BaseModel]]]] = {
    "user_registered": (ev.user_state(A, interests=["MUSIC"]), [users.UserState]),
    "user_updated": (ev.user_state(A, status="MUTED", changed=["status"]), [users.UserState]),
    "user_deleted": (
        {"user_id": A},
        [
            activity.UserDeleted,
            users.UserDeleted,
            notifications.UserDeleted,
            recommendations.UserDeleted,
        ],
    ),
    "user_connected": (ev.connection(A, B), [users.ConnectionChange]),
    "user_disconnected": (ev.connection(A, B, totals=(0, 0)), [users.ConnectionChange]),
    "user_tokens_revoked": ({"user_id": A, "reason": "signout", "session_id": B}, []),
    "post_created": (ev.post(P, A, title=None), [activity.PostState]),
    "post_updated": (
        ev.post(P, A, changed=["status"], previous_status="DRAFT"),
        [activity.PostState],
    ),
    "post_deleted": (
        ev.post_deleted(P, A, reason="account_deleted"),
        [activity.PostDeleted, notifications.PostDeleted],
    ),
    "post_comment_created": (_comment, [activity.CommentEvent]),
    "post_comment_updated": (ev.comment_updated(_comment, content="x"), [activity.CommentEvent]),
    "post_comment_deleted": (
        ev.comment_deleted(_comment, reason="moderation"),
        [activity.CommentEvent],
    ),
    "post_reaction_created": (_reaction, [activity.ReactionEvent]),
    "post_reaction_updated": (
        ev.reaction_updated(_reaction, type="SAD"),
        [activity.ReactionEvent],
    ),
    "post_reaction_deleted": (ev.reaction_deleted(_reaction), [activity.ReactionEvent]),
    "post_viewed": (ev.view(ev.new_id(), P, A, B), [activity.ViewEvent]),
    "content_removed": (
        ev.content_removed(A, C, content_type="COMMENT", post_id=None, already_gone=True),
        [notifications.ContentRemoved],
    ),
}


def test_every_consumed_event_has_a_contract_a_handler_and_a_sample() -> None:
    definition = build_definition(EngagementSettings())
    assert definition.name == "engagement"
    assert definition.consumers is not None
    handled = set(definition.consumers.event_types)
    evicting = set(definition.event_types().evicting_tokens())
    assert evicting == {"user_tokens_revoked", "user_updated"}
    # Our own handlers, plus the chassis's eviction for user_tokens_revoked.
    assert set(SAMPLES) == handled | evicting
    assert "user_tokens_revoked" not in handled
    for event_type in SAMPLES:
        assert (CONTRACTS_DIR / "events" / f"{event_type}.v1.json").exists(), event_type


def test_domains_handle_shared_events_in_the_order_their_effects_need() -> None:
    """user_deleted: activity uncounts (holding the user's lock) before the tombstone and the
    connections go, then the notifications and the dismissals; post_deleted: the items stop
    counting before the post's notifications are withdrawn."""
    consumers = build_definition(EngagementSettings()).consumers
    assert consumers is not None
    assert consumers.handlers_for("user_deleted") == [
        activity.on_user_deleted,
        users.on_user_deleted,
        notifications.on_user_deleted,
        recommendations.on_user_deleted,
    ]
    assert consumers.handlers_for("post_deleted") == [
        activity.on_post_deleted,
        notifications.on_post_deleted,
    ]


@pytest.mark.parametrize("event_type", sorted(SAMPLES))
def test_samples_match_the_contract_and_our_models_read_them(
    event_type: str, contracts: ContractValidator
) -> None:
    data, models = SAMPLES[event_type]
    envelope = Envelope(type=event_type, producer=ev.PRODUCERS[event_type], data=data)
    contracts.validate(envelope)
    # What travels on the stream reads back the same.
    contracts.validate(Envelope.from_fields(envelope.to_fields()))
    for model in models:
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
    data = broken(SAMPLES[event_type][0])
    with pytest.raises(jsonschema.ValidationError):
        contracts.validate(Envelope(type=event_type, producer="x", data=data))


def test_shared_words_equal_the_contracts() -> None:
    vocabulary = json.loads((CONTRACTS_DIR / "vocabulary.json").read_text())
    assert list(CATEGORIES) == vocabulary["interests"]
    schema = json.loads((CONTRACTS_DIR / "events" / "post_reaction_created.v1.json").read_text())
    assert list(REACTION_TYPES) == schema["properties"]["data"]["properties"]["type"]["enum"]
    assert sorted(activity.ReactionEvent.model_fields["type"].annotation.__args__) == sorted(  # type: ignore[union-attr]
        REACTION_TYPES
    )
