"""Settings come from ``POST_`` variables; the definition wires the handlers and jobs."""

from __future__ import annotations

import pytest

from chassis.service import Resources
from post_service.core import events
from post_service.core.service import build_definition, handlers, jobs
from post_service.settings import PostSettings


def test_environment_prefix_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POST_DATABASE_URL", raising=False)
    monkeypatch.setenv("POST_CREATE_PER_USER", "[5, 10]")
    monkeypatch.setenv("AUTH_PORT", "9999")  # another service's variable is ignored
    settings = PostSettings()
    assert settings.port == 8001
    assert settings.database_url.endswith("/social_post")
    assert settings.create_per_user == (5, 10)


def test_definition_consumes_every_contracted_event(settings: PostSettings) -> None:
    definition = build_definition(settings)
    assert definition.name == "post"

    class FakeVerifier:
        async def evict_user(self, user_id: str) -> None:
            return None

    resources = Resources(settings=settings, redis=None, http=None, token_verifier=FakeVerifier())  # type: ignore[arg-type]
    assert set(handlers(resources)) == {
        events.USER_REGISTERED,
        events.USER_UPDATED,
        events.USER_DELETED,
        events.USER_CONNECTED,
        events.USER_DISCONNECTED,
        events.USER_TOKENS_REVOKED,
        events.POST_COMMENT_CREATED,
        events.POST_COMMENT_UPDATED,
        events.POST_COMMENT_DELETED,
        events.POST_REACTION_CREATED,
        events.POST_REACTION_UPDATED,
        events.POST_REACTION_DELETED,
        events.POST_VIEWED,
        events.CONTENT_REMOVAL_REQUESTED,
    }
    assert [job.name for job in jobs(resources)] == [
        "hot-recompute",
        "counters-reconcile",
        "idempotency-keys-prune",
        "orphan-items-prune",
    ]
