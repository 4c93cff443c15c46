"""Settings come from ``POST_`` variables; the definition wires the consumers and jobs."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from chassis.service import Resources
from post_service.core.context import build_context
from post_service.core.service import build_definition, jobs
from post_service.settings import PostSettings


def test_environment_prefix_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POST_DATABASE_URL", raising=False)
    monkeypatch.setenv("POST_CREATE_PER_USER", "[5, 10]")
    monkeypatch.setenv("AUTH_PORT", "9999")  # another service's variable is ignored
    settings = PostSettings()
    assert settings.port == 8001
    assert settings.database_url.endswith("/social_post")
    assert settings.create_per_user == (5, 10)


async def test_definition_consumes_every_contracted_event(
    settings: PostSettings, redis: Redis
) -> None:
    definition = build_definition(settings)
    assert definition.name == "post"

    class FakeVerifier:
        async def evict_user(self, user_id: str) -> None:
            return None

    resources = Resources(settings=settings, redis=redis, http=None, token_verifier=FakeVerifier())  # type: ignore[arg-type]
    resources.context = await build_context(resources)
    # The service's consumers, and user_tokens_revoked for the chassis's token eviction alone.
    assert set(definition.bind_handlers(resources)) == {
        "user_registered",
        "user_updated",
        "user_deleted",
        "user_connected",
        "user_disconnected",
        "user_tokens_revoked",
        "post_comment_created",
        "post_comment_updated",
        "post_comment_deleted",
        "post_reaction_created",
        "post_reaction_updated",
        "post_reaction_deleted",
        "post_viewed",
        "content_removal_requested",
    }
    assert [job.name for job in jobs(resources)] == [
        "hot-recompute",
        "counters-reconcile",
        "idempotency-keys-prune",
        "orphan-items-prune",
    ]
