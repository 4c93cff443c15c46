"""The fallback against the real post service, as a process, over real HTTP.

The stand-in in ``test_fallback.py`` covers the post service misbehaving (500, timeouts,
garbage) which the real service cannot be made to do; here the real one answers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest

from chassis.testing import ServiceProcess, assert_error
from interaction_service.posts.models import Post
from interaction_service.settings import InteractionSettings
from tests.conftest import API, REPO, Bus, Cast


@pytest.fixture(scope="module")
def real_post_service(auth_service: ServiceProcess) -> Iterator[ServiceProcess]:
    env = {
        "POST_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/social_post_for_interaction_test",
        "POST_REDIS_URL": os.environ["INTERACTION_REDIS_URL"],
        "POST_AUTH_URL": auth_service.url,
        "POST_ENVIRONMENT": "test",
        # No relay: its post_created must not reach us, so only the HTTP fallback can know.
        "POST_RUN_WORKERS": "false",
    }
    with ServiceProcess(REPO / "post-service", "post_service", "POST_", env) as post:
        yield post


def publish_at(post: ServiceProcess, token: str, status: str) -> str:
    response = httpx.post(
        f"{post.url}{API}/posts",
        json={"content": "Fresh from the real post service", "categories": ["SCIENCE"],
              "status": status},
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_the_real_post_service_answers_for_an_unknown_post(
    client: httpx.AsyncClient,
    real_post_service: ServiceProcess,
    settings: InteractionSettings,
    users: Cast,
    bus: Bus,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "post_url", real_post_service.url)
    posted = publish_at(real_post_service, users.carol.access_token, "POSTED")
    draft = publish_at(real_post_service, users.carol.access_token, "DRAFT")

    comment = await client.post(
        f"{API}/posts/{posted}/comments", json={"content": "hi"}, headers=users.alice.headers
    )
    assert comment.status_code == 201, comment.text
    stored = await Post.get(id=posted)
    assert (str(stored.author_id), stored.status.value, stored.categories) == (
        users.carol.id, "POSTED", ["SCIENCE"],
    )  # fmt: skip
    [event] = await bus.published("post_comment_created")
    assert event.data["post_author_id"] == users.carol.id

    # A draft is invisible to Alice at the post service, so it is unknown here too.
    hidden = await client.post(
        f"{API}/posts/{draft}/comments", json={"content": "hi"}, headers=users.alice.headers
    )
    assert_error(hidden, 404)
    assert not await Post.filter(id=draft).exists()
