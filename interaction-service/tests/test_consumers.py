"""How the domains' handlers are put together: one registry, tombstones first, and the
chassis's token eviction after them."""

from __future__ import annotations

import uuid

from fastapi import FastAPI

from chassis.tokens import Identity
from interaction_service.comments import consumers as comments
from interaction_service.core.events import EVENTS
from interaction_service.core.service import CONSUMERS
from interaction_service.posts import consumers as posts
from interaction_service.reactions import consumers as reactions
from interaction_service.users import consumers as users
from interaction_service.views import consumers as views
from tests.conftest import Bus


def test_the_service_handles_these_events() -> None:
    assert CONSUMERS.event_types == sorted(
        [
            EVENTS.post_created,
            EVENTS.post_updated,
            EVENTS.post_deleted,
            EVENTS.user_registered,
            EVENTS.user_updated,
            EVENTS.user_deleted,
            EVENTS.content_removal_requested,
        ]
    )


def test_a_deleted_post_is_tombstoned_before_anything_of_it_is_removed() -> None:
    assert CONSUMERS.handlers_for(EVENTS.post_deleted) == [
        posts.on_post_deleted,
        comments.on_post_deleted,
        reactions.on_post_deleted,
        views.on_post_deleted,
    ]


def test_a_deleted_account_is_tombstoned_before_anything_of_it_is_removed() -> None:
    assert CONSUMERS.handlers_for(EVENTS.user_deleted) == [
        users.on_user_deleted,
        comments.on_user_deleted,
        reactions.on_user_deleted,
        views.on_user_deleted,
    ]


async def test_revoked_tokens_are_evicted_without_a_handler_of_ours(app: FastAPI, bus: Bus) -> None:
    """The chassis evicts on user_tokens_revoked (the contract says so): a cached identity of
    that user is gone once the event is handled, and another user's stays."""
    verifier = app.state.resources.token_verifier
    revoked, other = str(uuid.uuid4()), str(uuid.uuid4())
    await verifier._cache_put(
        "digest-revoked", "not-a-jwt", Identity(id=revoked, role="user", status="ACTIVE")
    )
    await verifier._cache_put(
        "digest-other", "not-a-jwt", Identity(id=other, role="user", status="ACTIVE")
    )
    assert await verifier._cache_get("digest-revoked") is not None

    await bus.deliver(
        "user_tokens_revoked",
        {"user_id": revoked, "reason": "signout", "session_id": None},
        producer="auth",
    )

    assert await verifier._cache_get("digest-revoked") is None
    assert await verifier._cache_get("digest-other") is not None
