"""The users projection, built from the real auth service's events, and account deletion."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime, timedelta, timezone

import httpx
from redis.asyncio import Redis

from chassis.testing import assert_error, read_events, wait_until
from interaction_service.comments.models import Comment, CommentNFT
from interaction_service.reactions.models import Reaction
from interaction_service.users.models import User
from interaction_service.views.models import PostView, PostViewer
from tests.conftest import API, Auth, Bus, Cast, comment, create_post


async def auth_events(bus: Bus, redis: Redis, event_type: str, user_id: str) -> list:
    """The real auth service's events about ``user_id`` (published by its own relay)."""

    async def probe() -> list:
        found = [e for e in await read_events(redis, event_type) if e.data["user_id"] == user_id]
        return found

    events = await wait_until(probe)
    for event in events:
        bus.contracts.validate(event)
    return events


async def test_names_come_from_auth_events(
    client: httpx.AsyncClient, bus: Bus, users: Cast, auth: Auth, redis: Redis
) -> None:
    dora = auth.create_user("Dora", "Explorer")
    await auth_events(bus, redis, "user_registered", dora.id)
    await bus.drain()
    user = await User.get(id=dora.id)
    assert (user.first_name, user.last_name, user.status, user.event_at is not None) == (
        "Dora",
        "Explorer",
        "ACTIVE",
        True,
    )

    renamed = auth.http.patch("/users/me", json={"first_name": "Dorothy"}, headers=dora.headers)
    assert renamed.status_code == 200
    await auth_events(bus, redis, "user_updated", dora.id)
    await bus.drain()

    post_id = await create_post(bus, users.carol)
    created = await comment(client, dora, post_id, "Hello")
    assert created["author"] == {"id": dora.id, "display_name": "Dorothy Explorer"}


async def test_an_older_user_event_does_not_overwrite_a_newer_one(bus: Bus, users: Cast) -> None:
    user_id = str(uuid.uuid4())
    now = datetime.now(timezone.utc)
    profile = {
        "user_id": user_id,
        "first_name": "New",
        "last_name": "Name",
        "interests": [],
        "role": "user",
        "status": "MUTED",
        "is_verified": True,
    }
    await bus.deliver(
        "user_updated",
        {**profile, "changed": ["first_name", "status"]},
        producer="auth",
        occurred_at=now,
    )
    await bus.deliver(
        "user_registered",
        {**profile, "first_name": "Old", "status": "ACTIVE", "is_verified": False},
        producer="auth",
        occurred_at=now - timedelta(seconds=1),
    )
    user = await User.get(id=user_id)
    assert (user.first_name, user.status) == ("New", "MUTED")


async def test_a_deleted_account_is_not_brought_back(bus: Bus) -> None:
    user_id = str(uuid.uuid4())
    await bus.deliver("user_deleted", {"user_id": user_id}, producer="auth")
    await bus.deliver(
        "user_registered",
        {
            "user_id": user_id,
            "first_name": "Ghost",
            "last_name": "User",
            "interests": [],
            "role": "user",
            "status": "ACTIVE",
            "is_verified": False,
        },
        producer="auth",
    )
    user = await User.get(id=user_id)
    assert user.deleted_at is not None and user.display_name is None


async def test_account_deletion_removes_comments_reactions_and_views(
    client: httpx.AsyncClient, bus: Bus, users: Cast, auth: Auth, redis: Redis
) -> None:
    erin = auth.create_user("Erin", "Leaving")
    post_id = await create_post(bus, users.carol, categories=["HEALTH"])
    top = await comment(client, erin, post_id, "Erin's thread")
    others_reply = await comment(client, users.bob, post_id, "Bob answers", parent_id=top["id"])
    bobs_top = await comment(client, users.bob, post_id, "Bob's thread")
    erins_reply = await comment(client, erin, post_id, "Erin answers", parent_id=bobs_top["id"])
    put = await client.put(
        f"{API}/posts/{post_id}/reactions/me", json={"type": "LOVE"}, headers=erin.headers
    )
    assert put.status_code == 201
    assert (
        await client.post(f"{API}/posts/{post_id}/views", headers=erin.headers)
    ).status_code == 202
    assert (await Comment.get(id=bobs_top["id"])).reply_count == 1

    auth.delete_account(erin)
    await auth_events(bus, redis, "user_deleted", erin.id)
    await bus.drain()

    for mine in (top, erins_reply):
        row = await Comment.get(id=mine["id"])
        assert row.deleted_at is not None and row.content is None
        assert row.deleted_reason is not None and row.deleted_reason.value == "account_deleted"
        assert not await CommentNFT.filter(comment_id=mine["id"]).exists()
    assert (await Comment.get(id=others_reply["id"])).content == "Bob answers"
    assert (await Comment.get(id=bobs_top["id"])).reply_count == 0
    assert not await Reaction.filter(user_id=erin.id).exists()
    assert not await PostView.filter(user_id=erin.id).exists()
    assert not await PostViewer.filter(user_id=erin.id).exists()
    assert (await User.get(id=erin.id)).deleted_at is not None

    deleted = await bus.published("post_comment_deleted")
    assert sorted((e.data["comment_id"], e.data["parent_id"]) for e in deleted) == sorted(
        [(top["id"], None), (erins_reply["id"], bobs_top["id"])]
    )
    assert all(e.data["reason"] == "account_deleted" for e in deleted)
    assert all(e.data["author_id"] == erin.id for e in deleted)
    assert all(e.data["categories"] == ["HEALTH"] for e in deleted)
    [reaction] = await bus.published("post_reaction_deleted")
    assert (reaction.data["user_id"], reaction.data["type"], reaction.data["reason"]) == (
        erin.id,
        "LOVE",
        "account_deleted",
    )

    # Bob's reply stays under a tombstone; Erin's token no longer works (revoked and evicted).
    replies = (
        await client.get(f"{API}/comments/{top['id']}/replies", headers=users.bob.headers)
    ).json()["items"]
    assert [(r["id"], r["parent"]["deleted"]) for r in replies] == [(others_reply["id"], True)]
    assert_error(
        await client.post(
            f"{API}/posts/{post_id}/comments", json={"content": "back"}, headers=erin.headers
        ),
        401,
    )


async def test_a_role_change_is_seen_at_once(
    client: httpx.AsyncClient, bus: Bus, users: Cast, auth: Auth, redis: Redis
) -> None:
    """user_updated evicts the cached token, so a new moderator can moderate right away."""
    fred = auth.create_user("Fred", "Promoted")
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.alice, post_id, "Delete me if you can")
    url = f"{API}/comments/{created['id']}"
    assert_error(await client.delete(url, headers=fred.headers), 403)  # identity now cached

    auth.administer(users.admin, fred, role="moderator")
    await auth_events(bus, redis, "user_updated", fred.id)
    await bus.drain()

    assert (await client.delete(url, headers=fred.headers)).status_code == 204
    [event] = await bus.published("post_comment_deleted")
    assert event.data["reason"] == "moderator"


async def test_a_token_of_a_deleted_account_cannot_write(
    client: httpx.AsyncClient, bus: Bus, users: Cast, redis: Redis
) -> None:
    """Even while a deleted user's identity is still cached, their writes are refused."""
    post_id = await create_post(bus, users.carol)
    user_id = str(uuid.uuid4())
    await bus.deliver("user_deleted", {"user_id": user_id}, producer="auth")
    token = "token-of-a-deleted-account"
    identity = {"id": user_id, "role": "user", "status": "ACTIVE", "first_name": "Gone"}
    digest = hashlib.sha256(token.encode()).hexdigest()
    await redis.set(f"tokencache:token:{digest}", json.dumps(identity), px=60_000)
    headers = {"Authorization": f"Bearer {token}"}

    for method, path, body in (
        ("POST", "comments", {"content": "hi"}),
        ("PUT", "reactions/me", {"type": "LIKE"}),
        ("POST", "views", None),
    ):
        response = await client.request(
            method, f"{API}/posts/{post_id}/{path}", json=body, headers=headers
        )
        assert_error(response, 401)
    assert not await Comment.all().exists()
    assert not await Reaction.all().exists()
    assert not await PostView.all().exists()
