"""This service's models of the events it consumes and produces agree with ``contracts/``."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from chassis.testing import ContractValidator
from moderation_service.core import events
from moderation_service.core.vocabulary import ContentType, Reason
from moderation_service.moderations import handlers

CONSUMED: dict[str, type[BaseModel]] = {
    events.POST_CREATED: handlers.PostCreated,
    events.POST_UPDATED: handlers.PostUpdated,
    events.POST_DELETED: handlers.PostDeleted,
    events.POST_COMMENT_CREATED: handlers.CommentCreated,
    events.POST_COMMENT_UPDATED: handlers.CommentUpdated,
    events.POST_COMMENT_DELETED: handlers.CommentDeleted,
    events.CONTENT_REMOVED: handlers.ContentRemoved,
    events.USER_DELETED: handlers.UserDeleted,
}


@pytest.mark.parametrize(("event_type", "model"), CONSUMED.items())
def test_what_we_read_is_always_there(
    contracts: ContractValidator, event_type: str, model: type[BaseModel]
) -> None:
    data = contracts.schema_for(event_type)["properties"]["data"]
    ours = {name for name, field in model.model_fields.items() if field.is_required()}
    assert ours <= set(data["required"]), f"{event_type}: we need fields it may not carry"


def test_every_handled_type_has_a_contract(contracts: ContractValidator) -> None:
    from chassis.service import Resources

    class Verifier:
        async def evict_user(self, user_id: str) -> None: ...

    resources = Resources(
        settings=None,  # type: ignore[arg-type]
        redis=None,  # type: ignore[arg-type]
        http=None,  # type: ignore[arg-type]
        token_verifier=Verifier(),  # type: ignore[arg-type]
        extras={"moderation": object()},
    )
    for event_type in handlers.build_handlers(resources):
        contracts.schema_for(event_type)


def test_the_removal_request_contract_matches_our_vocabulary(contracts: ContractValidator) -> None:
    schema = contracts.schema_for(events.CONTENT_REMOVAL_REQUESTED)
    assert schema["properties"]["producer"] == {"const": "moderation"}
    data = schema["properties"]["data"]["properties"]
    assert data["reason"]["enum"] == [r.value for r in Reason]
    assert data["content_type"]["enum"] == [c.value for c in ContentType]
    removed = contracts.schema_for(events.CONTENT_REMOVED)["properties"]["data"]["properties"]
    assert removed["reason"]["enum"] == [r.value for r in Reason]
