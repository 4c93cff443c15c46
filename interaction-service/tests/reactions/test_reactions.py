"""Reactions: set, change, remove, list, summary, and the seed's by-id endpoints."""

from __future__ import annotations

import httpx
import pytest

from chassis.testing import assert_error, outbox_rows
from interaction_service.reactions.models import Reaction
from tests.conftest import API, Bus, Cast, TestUser, create_post

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def me_url(post_id: str) -> str:
    return f"{API}/posts/{post_id}/reactions/me"


async def put(client: httpx.AsyncClient, user: TestUser, post_id: str, kind: str) -> httpx.Response:
    return await client.put(me_url(post_id), json={"type": kind}, headers=user.headers)


async def test_types_and_their_groups(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/reactions/types")
    assert response.status_code == 200
    assert response.json() == {
        "types": ["LIKE", "LOVE", "ANGRY", "SAD", "FUNNY", "JOY"],
        "positive": ["LIKE", "LOVE", "FUNNY", "JOY"],
        "negative": ["ANGRY", "SAD"],
    }


async def test_put_creates_then_changes_then_leaves_alone(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol, categories=["SPORTS"])

    created = await put(client, users.alice, post_id, "LIKE")
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["type"] == "LIKE" and body["post_id"] == post_id
    assert body["user"] == {"id": users.alice.id, "display_name": "Alice Liddell"}

    changed = await put(client, users.alice, post_id, "ANGRY")
    assert changed.status_code == 200
    assert changed.json()["id"] == body["id"] and changed.json()["type"] == "ANGRY"

    same = await put(client, users.alice, post_id, "ANGRY")
    assert same.status_code == 200 and same.json()["type"] == "ANGRY"

    rows = await Reaction.filter(post_id=post_id)
    assert [(str(r.user_id), r.type.value) for r in rows] == [(users.alice.id, "ANGRY")]
    [created_event] = await bus.published("post_reaction_created")
    assert created_event.data == {
        "reaction_id": body["id"],
        "post_id": post_id,
        "post_author_id": users.carol.id,
        "categories": ["SPORTS"],
        "user_id": users.alice.id,
        "type": "LIKE",
        "created_at": created_event.data["created_at"],
    }
    [updated_event] = await bus.published("post_reaction_updated")
    assert updated_event.data == {
        "reaction_id": body["id"],
        "post_id": post_id,
        "post_author_id": users.carol.id,
        "categories": ["SPORTS"],
        "user_id": users.alice.id,
        "type": "ANGRY",
        "previous_type": "LIKE",
    }


async def test_remove_my_reaction(client: httpx.AsyncClient, bus: Bus, users: Cast) -> None:
    post_id = await create_post(bus, users.carol)
    created = (await put(client, users.alice, post_id, "JOY")).json()

    removed = await client.delete(me_url(post_id), headers=users.alice.headers)
    assert removed.status_code == 204 and removed.content == b""
    assert not await Reaction.filter(post_id=post_id).exists()

    again = await client.delete(me_url(post_id), headers=users.alice.headers)
    assert_error(again, 404, "reaction_not_found")
    [event] = await bus.published("post_reaction_deleted")
    assert event.data["reaction_id"] == created["id"]
    assert event.data["type"] == "JOY" and event.data["reason"] == "user"
    assert event.data["user_id"] == users.alice.id


async def test_post_creates_and_refuses_a_second(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    url = f"{API}/posts/{post_id}/reactions"

    first = await client.post(url, json={"type": "LOVE"}, headers=users.alice.headers)
    assert first.status_code == 201 and first.json()["type"] == "LOVE"
    second = await client.post(url, json={"type": "SAD"}, headers=users.alice.headers)
    assert_error(second, 409, "already_reacted")

    rows = await Reaction.filter(post_id=post_id)
    assert [r.type.value for r in rows] == ["LOVE"]
    assert len(await outbox_rows("post_reaction_created")) == 1


async def test_by_id_read_change_delete_owner_only(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    reaction = (await put(client, users.alice, post_id, "LIKE")).json()
    url = f"{API}/reactions/{reaction['id']}"

    read = await client.get(url, headers=users.bob.headers)
    assert read.status_code == 200 and read.json() == reaction

    for intruder in (users.bob, users.carol, users.admin):
        assert_error(
            await client.patch(url, json={"type": "SAD"}, headers=intruder.headers),
            403,
            "not_owner",
        )
        assert_error(await client.delete(url, headers=intruder.headers), 403, "not_owner")
    assert (await Reaction.get(id=reaction["id"])).type.value == "LIKE"

    patched = await client.patch(url, json={"type": "FUNNY"}, headers=users.alice.headers)
    assert patched.status_code == 200 and patched.json()["type"] == "FUNNY"
    deleted = await client.delete(url, headers=users.alice.headers)
    assert deleted.status_code == 204
    assert not await Reaction.filter(id=reaction["id"]).exists()

    for method in ("get", "delete"):
        response = await client.request(method, url, headers=users.alice.headers)
        assert_error(response, 404, "reaction_not_found")
    assert_error(
        await client.patch(url, json={"type": "SAD"}, headers=users.alice.headers),
        404,
        "reaction_not_found",
    )
    assert [e.data["previous_type"] for e in await bus.published("post_reaction_updated")] == [
        "LIKE"
    ]
    assert [e.data["type"] for e in await bus.published("post_reaction_deleted")] == ["FUNNY"]


async def test_list_and_summary(client: httpx.AsyncClient, bus: Bus, users: Cast) -> None:
    post_id = await create_post(bus, users.carol)
    await put(client, users.alice, post_id, "LIKE")
    await put(client, users.bob, post_id, "ANGRY")
    await put(client, users.carol, post_id, "LIKE")

    first = await client.get(
        f"{API}/posts/{post_id}/reactions", params={"limit": 2}, headers=users.bob.headers
    )
    assert first.status_code == 200
    second = await client.get(
        f"{API}/posts/{post_id}/reactions",
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
        headers=users.bob.headers,
    )
    items = first.json()["items"] + second.json()["items"]
    assert second.json()["next_cursor"] is None
    # Newest first.
    assert [(r["user"]["id"], r["type"]) for r in items] == [
        (users.carol.id, "LIKE"),
        (users.bob.id, "ANGRY"),
        (users.alice.id, "LIKE"),
    ]

    summary = await client.get(
        f"{API}/posts/{post_id}/reactions/summary", headers=users.bob.headers
    )
    assert summary.status_code == 200
    assert summary.json() == {
        "post_id": post_id,
        "counts": {"LIKE": 2, "LOVE": 0, "ANGRY": 1, "SAD": 0, "FUNNY": 0, "JOY": 0},
        "total": 3,
        "positive": 2,
        "negative": 1,
        "mine": "ANGRY",
    }
    moderator_view = await client.get(
        f"{API}/posts/{post_id}/reactions/summary", headers=users.moderator.headers
    )
    assert moderator_view.json()["mine"] is None


@pytest.mark.parametrize("body", [{"type": "MEH"}, {"type": "like"}, {}, {"type": "LIKE", "x": 1}])
async def test_invalid_reaction_bodies(
    client: httpx.AsyncClient, bus: Bus, users: Cast, body: dict[str, object]
) -> None:
    post_id = await create_post(bus, users.carol)
    response = await client.put(me_url(post_id), json=body, headers=users.alice.headers)
    assert_error(response, 422, "validation_error")
    assert not await Reaction.all().exists()


@pytest.mark.parametrize("status", ["DRAFT", "ARCHIVED"])
async def test_only_posted_posts_take_reactions(
    client: httpx.AsyncClient, bus: Bus, users: Cast, status: str
) -> None:
    post_id = await create_post(bus, users.carol, status=status)
    assert_error(await put(client, users.alice, post_id, "LIKE"), 404, "post_not_found")
    assert_error(
        await client.get(f"{API}/posts/{post_id}/reactions/summary", headers=users.alice.headers),
        404,
        "post_not_found",
    )
    assert not await Reaction.all().exists()
