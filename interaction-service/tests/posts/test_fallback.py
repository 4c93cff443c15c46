"""The fallback to the post service, for a post whose events have not reached us yet.

Tested over real HTTP against ``PostServiceStandIn``: a minimal FastAPI app, served with
``LiveServer``, answering ``GET /api/v1/posts/{id}`` with the post service's documented
``PostRead`` shape. It stands in for the real post service, which was still being built when
these tests were written; point ``post_service`` at a ``ServiceProcess`` of it to switch.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from chassis.testing import LiveServer, assert_error, free_port, outbox_rows
from interaction_service.comments.models import Comment
from interaction_service.posts.models import Post
from interaction_service.reactions.models import Reaction
from interaction_service.settings import InteractionSettings
from interaction_service.views.models import PostView
from tests.conftest import API, Bus, Cast, TestUser, create_post, delete_post


@dataclass
class PostServiceStandIn:
    """Stand-in for the post service (not the real one): posts it knows, how it misbehaves,
    and the bearer tokens it was called with."""

    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    failure: str | None = None  # "error" (500), "slow", "garbage", "gone" (410)
    calls: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)

    def add(self, author: TestUser, *, status: str = "POSTED", categories: list[str]) -> str:
        post_id = str(uuid.uuid4())
        now = datetime.now(timezone.utc).isoformat()
        self.posts[post_id] = {
            "id": post_id,
            "title": "Fresh post",
            "content": "Published a moment ago",
            "categories": categories,
            "status": status,
            "created_by": author.id,
            "author": {"id": author.id, "display_name": author.display_name},
            "created_at": now,
            "updated_at": now,
            "published_at": now if status == "POSTED" else None,
            "total_views": 0,
            "total_comments": 0,
            "total_reactions": 0,
            "score": 0.0,
            "popularity": 0.0,
        }
        return post_id

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/api/v1/posts/{post_id}")
        async def read_post(post_id: str, request: Request) -> Any:
            self.calls.append(post_id)
            self.tokens.append(request.headers.get("authorization", ""))
            if self.failure == "error":
                return JSONResponse({"error": {"code": "internal_error"}}, status_code=500)
            if self.failure == "slow":
                await asyncio.sleep(1.0)
            if self.failure == "garbage":
                return JSONResponse({"unexpected": True})
            if self.failure == "gone":  # what the author of a post removed by moderation gets
                return JSONResponse({"error": {"code": "removed_by_moderation"}}, status_code=410)
            if post_id not in self.posts:
                return JSONResponse({"error": {"code": "not_found"}}, status_code=404)
            return self.posts[post_id]

        return app


@pytest_asyncio.fixture
async def post_service(
    settings: InteractionSettings, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[PostServiceStandIn]:
    stand_in = PostServiceStandIn()
    async with LiveServer(stand_in.app()) as server:
        monkeypatch.setattr(settings, "post_url", server.url)
        yield stand_in


async def nothing_written() -> bool:
    return not (
        await Post.all().exists()
        or await Comment.all().exists()
        or await Reaction.all().exists()
        or await PostView.all().exists()
        or await outbox_rows("post_comment_created")
    )


async def test_an_unknown_post_is_asked_for_and_recorded_once(
    client: httpx.AsyncClient, post_service: PostServiceStandIn, users: Cast, bus: Bus
) -> None:
    post_id = post_service.add(users.carol, categories=["SCIENCE"])

    first = await client.post(
        f"{API}/posts/{post_id}/comments", json={"content": "early"}, headers=users.alice.headers
    )

    assert first.status_code == 201, first.text
    assert post_service.calls == [post_id]
    assert post_service.tokens == [f"Bearer {users.alice.access_token}"]
    post = await Post.get(id=post_id)
    assert (str(post.author_id), post.status.value, post.categories) == (
        users.carol.id,
        "POSTED",
        ["SCIENCE"],
    )
    [event] = await bus.published("post_comment_created")
    assert event.data["post_author_id"] == users.carol.id
    assert event.data["categories"] == ["SCIENCE"]

    # Known now: reactions and views need no further call.
    reacted = await client.put(
        f"{API}/posts/{post_id}/reactions/me", json={"type": "LIKE"}, headers=users.bob.headers
    )
    viewed = await client.post(f"{API}/posts/{post_id}/views", headers=users.bob.headers)
    assert (reacted.status_code, viewed.status_code) == (201, 202)
    assert post_service.calls == [post_id]


async def test_a_post_seen_over_http_still_yields_to_its_events(
    client: httpx.AsyncClient, post_service: PostServiceStandIn, users: Cast, bus: Bus
) -> None:
    post_id = post_service.add(users.carol, categories=["SCIENCE"])
    url = f"{API}/posts/{post_id}/reactions/me"
    assert (
        await client.put(url, json={"type": "LIKE"}, headers=users.alice.headers)
    ).status_code == 201

    await delete_post(bus, post_id, users.carol)

    assert_error(await client.put(url, json={"type": "LOVE"}, headers=users.alice.headers), 404)
    assert not await Reaction.filter(post_id=post_id).exists()
    [removed] = await bus.published("post_reaction_deleted")
    assert removed.data["reason"] == "post_deleted"
    assert post_service.calls == [post_id]


@pytest.mark.parametrize("status", ["DRAFT", "ARCHIVED"])
async def test_a_post_that_is_not_posted_is_404_and_not_recorded(
    client: httpx.AsyncClient, post_service: PostServiceStandIn, users: Cast, status: str
) -> None:
    post_id = post_service.add(users.carol, status=status, categories=[])
    response = await client.post(
        f"{API}/posts/{post_id}/comments", json={"content": "hi"}, headers=users.alice.headers
    )
    assert_error(response, 404, "post_not_found")
    assert post_service.calls == [post_id]
    assert await nothing_written()


@pytest.mark.parametrize("gone", [False, True], ids=["unknown-404", "removed-410"])
async def test_a_post_the_post_service_does_not_show_is_404(
    client: httpx.AsyncClient, post_service: PostServiceStandIn, users: Cast, gone: bool
) -> None:
    post_id = str(uuid.uuid4())
    post_service.failure = "gone" if gone else None
    response = await client.put(
        f"{API}/posts/{post_id}/reactions/me", json={"type": "LIKE"}, headers=users.alice.headers
    )
    assert_error(response, 404, "post_not_found")
    assert post_service.calls == [post_id]
    assert await nothing_written()


@pytest.mark.parametrize("failure", ["error", "slow", "garbage"])
async def test_a_failing_post_service_is_503_and_nothing_is_written(
    client: httpx.AsyncClient,
    post_service: PostServiceStandIn,
    users: Cast,
    settings: InteractionSettings,
    monkeypatch: pytest.MonkeyPatch,
    failure: str,
) -> None:
    monkeypatch.setattr(settings, "post_timeout_seconds", 0.2)
    post_service.failure = failure
    post_id = post_service.add(users.carol, categories=[])

    for method, path, body in (
        ("POST", "comments", {"content": "hi"}),
        ("PUT", "reactions/me", {"type": "LIKE"}),
        ("POST", "views", None),
    ):
        response = await client.request(
            method, f"{API}/posts/{post_id}/{path}", json=body, headers=users.alice.headers
        )
        assert_error(response, 503, "service_unavailable")
    assert await nothing_written()


async def test_an_unreachable_post_service_is_503(
    client: httpx.AsyncClient,
    users: Cast,
    settings: InteractionSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "post_url", f"http://127.0.0.1:{free_port()}")
    response = await client.post(
        f"{API}/posts/{uuid.uuid4()}/comments", json={"content": "hi"}, headers=users.alice.headers
    )
    assert_error(response, 503, "service_unavailable")
    assert await nothing_written()


async def test_a_known_post_never_asks_the_post_service(
    client: httpx.AsyncClient, post_service: PostServiceStandIn, users: Cast, bus: Bus
) -> None:
    post_id = await create_post(bus, users.carol, status="DRAFT")
    await client.get(f"{API}/posts/{post_id}/comments", headers=users.alice.headers)
    posted = await create_post(bus, users.carol)
    await client.get(f"{API}/posts/{posted}/comments", headers=users.alice.headers)
    assert post_service.calls == []
