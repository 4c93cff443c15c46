"""Views: every one recorded, one per user and window counted (and announced)."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import httpx
import pytest
from tortoise.transactions import in_transaction

from chassis.clock import FrozenClock
from chassis.testing import assert_error
from chassis.tokens import Identity
from interaction_service.core.context import InteractionContext
from interaction_service.posts.service import PostRef, get_visible_post
from interaction_service.settings import InteractionSettings
from interaction_service.views import service
from interaction_service.views.models import PostView, PostViewer
from tests.conftest import API, Bus, Cast, TestUser, create_post


async def view(client: httpx.AsyncClient, user: TestUser, post_id: str) -> httpx.Response:
    return await client.post(f"{API}/posts/{post_id}/views", headers=user.headers)


async def summary(client: httpx.AsyncClient, user: TestUser, post_id: str) -> dict:
    response = await client.get(f"{API}/posts/{post_id}/views/summary", headers=user.headers)
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


async def test_reloads_inside_the_window_count_once(
    client: httpx.AsyncClient, bus: Bus, users: Cast, clock: FrozenClock
) -> None:
    post_id = await create_post(bus, users.carol, categories=["TRAVEL"])

    first = await view(client, users.alice, post_id)
    clock.advance(minutes=29, seconds=59)
    reload = await view(client, users.alice, post_id)

    assert first.status_code == 202 and reload.status_code == 202
    assert first.json()["counted"] is True and reload.json()["counted"] is False
    assert first.json()["post_id"] == post_id
    assert await PostView.filter(post_id=post_id).count() == 2
    assert await summary(client, users.bob, post_id) == {
        "post_id": post_id,
        "unique_viewers": 1,
        "counted_views": 1,
    }
    [event] = await bus.published("post_viewed")
    assert event.data == {
        "view_id": first.json()["view_id"],
        "post_id": post_id,
        "post_author_id": users.carol.id,
        "categories": ["TRAVEL"],
        "user_id": users.alice.id,
        "viewed_at": event.data["viewed_at"],
    }


async def test_a_view_after_the_window_counts_again(
    client: httpx.AsyncClient, bus: Bus, users: Cast, clock: FrozenClock
) -> None:
    post_id = await create_post(bus, users.carol)
    assert (await view(client, users.alice, post_id)).json()["counted"] is True
    clock.advance(minutes=30)
    assert (await view(client, users.alice, post_id)).json()["counted"] is True
    clock.advance(minutes=10)
    assert (await view(client, users.alice, post_id)).json()["counted"] is False
    assert (await view(client, users.bob, post_id)).json()["counted"] is True

    assert await summary(client, users.bob, post_id) == {
        "post_id": post_id,
        "unique_viewers": 2,
        "counted_views": 3,
    }
    events = await bus.published("post_viewed")
    assert [e.data["user_id"] for e in events] == [users.alice.id, users.alice.id, users.bob.id]
    assert await PostView.filter(post_id=post_id, counted=True).count() == 3
    assert await PostView.filter(post_id=post_id, counted=False).count() == 1


async def test_the_window_is_a_setting(
    client: httpx.AsyncClient,
    bus: Bus,
    users: Cast,
    clock: FrozenClock,
    settings: InteractionSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "view_window_seconds", 60)
    post_id = await create_post(bus, users.carol)
    assert (await view(client, users.alice, post_id)).json()["counted"] is True
    clock.advance(seconds=59)
    assert (await view(client, users.alice, post_id)).json()["counted"] is False
    clock.advance(seconds=1)
    assert (await view(client, users.alice, post_id)).json()["counted"] is True
    assert len(await bus.published("post_viewed")) == 2


async def test_parallel_first_views_count_once(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)

    responses = await asyncio.gather(*(view(client, users.bob, post_id) for _ in range(20)))

    assert {r.status_code for r in responses} == {202}
    assert Counter(r.json()["counted"] for r in responses) == {True: 1, False: 19}
    assert await PostView.filter(post_id=post_id).count() == 20
    [viewer] = await PostViewer.filter(post_id=post_id)
    assert viewer.counted_views == 1
    assert len(await bus.published("post_viewed")) == 1


async def test_the_seed_alias_records_a_view(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)

    response = await client.get(f"{API}/{post_id}/view", headers=users.alice.headers)

    assert response.status_code == 202, response.text
    assert response.json()["counted"] is True
    assert await PostView.filter(post_id=post_id, user_id=users.alice.id).count() == 1
    assert len(await bus.published("post_viewed")) == 1


@pytest.mark.parametrize("status", ["DRAFT", "ARCHIVED"])
async def test_only_posted_posts_can_be_viewed(
    client: httpx.AsyncClient, bus: Bus, users: Cast, status: str
) -> None:
    post_id = await create_post(bus, users.carol, status=status)
    assert_error(await view(client, users.alice, post_id), 404, "post_not_found")
    assert_error(
        await client.get(f"{API}/posts/{post_id}/views/summary", headers=users.alice.headers),
        404,
        "post_not_found",
    )
    assert not await PostView.all().exists()
    assert not await PostViewer.all().exists()


async def test_views_need_a_token(client: httpx.AsyncClient, bus: Bus, users: Cast) -> None:
    post_id = await create_post(bus, users.carol)
    assert_error(await client.post(f"{API}/posts/{post_id}/views"), 401)
    assert not await PostView.all().exists()


async def test_a_rolled_back_view_leaves_no_window_marker(
    client: httpx.AsyncClient, bus: Bus, users: Cast, ctx: InteractionContext
) -> None:
    """The window check lives in the view's own transaction: if that transaction fails after
    the check, the next view still counts (a Redis marker set before commit would block it)."""
    post_id = await create_post(bus, users.carol)
    identity = Identity(id=users.alice.id, role="user", status="ACTIVE")
    post = await get_visible_post(uuid.UUID(post_id))

    with pytest.raises(RuntimeError):
        async with in_transaction():
            recorded = await service.record_view(ctx, post=PostRef.of(post), user=identity)
            assert recorded.counted is True
            raise RuntimeError("the request fails after the view was counted")
    assert not await PostViewer.all().exists()
    assert await bus.published("post_viewed") == []

    response = await view(client, users.alice, post_id)
    assert response.json()["counted"] is True
    assert len(await bus.published("post_viewed")) == 1
