"""This service's models of the events it consumes and produces agree with ``contracts/``."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from chassis.service import Resources
from chassis.testing import ContractValidator
from moderation_service.core.events import EVENTS
from moderation_service.core.service import build_definition
from moderation_service.core.vocabulary import ContentType, Reason
from moderation_service.deletions import consumers as deletions
from moderation_service.screening import consumers as screening
from moderation_service.settings import ModerationSettings

CONSUMED: dict[str, type[BaseModel]] = {
    EVENTS.post_created: screening.PostCreated,
    EVENTS.post_updated: screening.PostUpdated,
    EVENTS.post_deleted: deletions.PostDeleted,
    EVENTS.post_comment_created: screening.CommentCreated,
    EVENTS.post_comment_updated: screening.CommentUpdated,
    EVENTS.post_comment_deleted: deletions.CommentDeleted,
    EVENTS.content_removed: deletions.ContentRemoved,
    EVENTS.user_deleted: deletions.UserDeleted,
}


@pytest.mark.parametrize(("event_type", "model"), CONSUMED.items())
def test_what_we_read_is_always_there(
    contracts: ContractValidator, event_type: str, model: type[BaseModel]
) -> None:
    data = contracts.schema_for(event_type)["properties"]["data"]
    ours = {name for name, field in model.model_fields.items() if field.is_required()}
    assert ours <= set(data["required"]), f"{event_type}: we need fields it may not carry"


def test_every_handled_type_has_a_contract(contracts: ContractValidator) -> None:
    """The consumer handles exactly the consumed events and the chassis's token evictions,
    each with a contract."""
    definition = build_definition(ModerationSettings(environment="test"))

    class Verifier:
        async def evict_user(self, user_id: str) -> None: ...

    resources = Resources(
        settings=definition.settings,
        redis=None,  # type: ignore[arg-type]
        http=None,  # type: ignore[arg-type]
        token_verifier=Verifier(),  # type: ignore[arg-type]
        context=object(),
    )
    handled = definition.bind_handlers(resources)
    assert set(handled) == {*CONSUMED, EVENTS.user_tokens_revoked, EVENTS.user_updated}
    for event_type in handled:
        contracts.schema_for(event_type)


def test_the_removal_request_contract_matches_our_vocabulary(contracts: ContractValidator) -> None:
    schema = contracts.schema_for(EVENTS.content_removal_requested)
    assert schema["properties"]["producer"] == {"const": "moderation"}
    data = schema["properties"]["data"]["properties"]
    assert data["reason"]["enum"] == [r.value for r in Reason]
    assert data["content_type"]["enum"] == [c.value for c in ContentType]
    removed = contracts.schema_for(EVENTS.content_removed)["properties"]["data"]["properties"]
    assert removed["reason"]["enum"] == [r.value for r in Reason]
