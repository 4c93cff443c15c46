"""The post projection: fed by the post service's events, in any order; deletions cascade."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import httpx

from chassis.testing import assert_error
from interaction_service.comments.models import Comment, CommentNFT
from interaction_service.posts.models import Post
from interaction_service.reactions.models import Reaction
from interaction_service.views.models import PostView, PostViewer
from tests.conftest import API, Bus, Cast, comment, create_post, delete_post, post_data


def updated(post_id: str, author_id: str, *, status: str, at: datetime, previous: str) -> dict:
    data = post_data(post_id, author_id, status=status, updated_at=at)
    return {**data, "changed": ["status"], "previous_status": previous}


async def can_comment(client: httpx.AsyncClient, users: Cast, post_id: str) -> int:
    response = await client.post(
        f"{API}/posts/{post_id}/comments", json={"content": "hi"}, headers=users.alice.headers
    )
    return response.status_code


async def test_a_deletion_that_arrives_first_wins(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = str(uuid.uuid4())
    await delete_post(bus, post_id, users.carol)
    await bus.deliver("post_created", post_data(post_id, users.carol.id), producer="post")
    later = datetime.now(timezone.utc) + timedelta(minutes=1)
    await bus.deliver(
        "post_updated",
        updated(post_id, users.carol.id, status="POSTED", at=later, previous="DRAFT"),
        producer="post",
    )

    response = await client.post(
        f"{API}/posts/{post_id}/comments", json={"content": "hi"}, headers=users.alice.headers
    )

    assert_error(response, 404, "post_not_found")
    post = await Post.get(id=post_id)
    assert post.deleted_at is not None
    assert not await Comment.all().exists()
    # The tombstone answers without asking the post service (which is unreachable here: 503).
    for url in (f"{API}/posts/{post_id}/reactions/summary", f"{API}/posts/{post_id}/comments"):
        assert_error(await client.get(url, headers=users.alice.headers), 404, "post_not_found")


async def test_status_changes_open_and_close_a_post(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol, status="DRAFT")
    assert await can_comment(client, users, post_id) == 404

    now = datetime.now(timezone.utc)
    await bus.deliver(
        "post_updated",
        updated(post_id, users.carol.id, status="POSTED", at=now, previous="DRAFT"),
        producer="post",
    )
    assert await can_comment(client, users, post_id) == 201

    await bus.deliver(
        "post_updated",
        updated(
            post_id, users.carol.id, status="ARCHIVED", at=now + timedelta(1), previous="POSTED"
        ),
        producer="post",
    )
    assert await can_comment(client, users, post_id) == 404
    assert (await Post.get(id=post_id)).status.value == "ARCHIVED"


async def test_an_older_state_arriving_late_is_ignored(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = str(uuid.uuid4())
    created_at = datetime.now(timezone.utc)
    published_at = created_at + timedelta(seconds=5)
    # The update (DRAFT -> POSTED) overtakes the creation (DRAFT).
    await bus.deliver(
        "post_updated",
        updated(post_id, users.carol.id, status="POSTED", at=published_at, previous="DRAFT"),
        producer="post",
    )
    await bus.deliver(
        "post_created",
        post_data(post_id, users.carol.id, status="DRAFT", updated_at=created_at),
        producer="post",
    )

    post = await Post.get(id=post_id)
    assert post.status.value == "POSTED" and post.source_updated_at == published_at
    assert await can_comment(client, users, post_id) == 201


async def test_post_deleted_removes_everything_with_one_event_per_item(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol, categories=["GAMING"])
    other_post = await create_post(bus, users.carol)
    top = await comment(client, users.alice, post_id, "top")
    reply = await comment(client, users.bob, post_id, "reply", parent_id=top["id"])
    already_deleted = await comment(client, users.bob, post_id, "deleted before")
    kept = await comment(client, users.alice, other_post, "elsewhere")
    assert (
        await client.delete(f"{API}/comments/{already_deleted['id']}", headers=users.bob.headers)
    ).status_code == 204
    for user, kind in ((users.alice, "LIKE"), (users.bob, "SAD")):
        put = await client.put(
            f"{API}/posts/{post_id}/reactions/me", json={"type": kind}, headers=user.headers
        )
        assert put.status_code == 201
    assert (
        await client.post(f"{API}/posts/{post_id}/views", headers=users.alice.headers)
    ).status_code == 202
    await bus.published("post_comment_deleted")  # the author's own deletion, published now

    await delete_post(bus, post_id, users.carol, reason="moderation")

    assert not await Comment.filter(post_id=post_id).exists()
    assert not await CommentNFT.filter(comment_id__in=[top["id"], reply["id"]]).exists()
    assert not await Reaction.filter(post_id=post_id).exists()
    assert not await PostView.filter(post_id=post_id).exists()
    assert not await PostViewer.filter(post_id=post_id).exists()
    assert await Comment.filter(id=kept["id"]).exists()
    assert (await Post.get(id=post_id)).deleted_at is not None

    deleted = [
        e for e in await bus.published("post_comment_deleted") if e.data["reason"] != "author"
    ]
    assert sorted(e.data["comment_id"] for e in deleted) == sorted([top["id"], reply["id"]])
    assert all(e.data["reason"] == "post_deleted" for e in deleted)
    assert all(e.data["categories"] == ["GAMING"] for e in deleted)
    assert {e.data["comment_id"]: e.data["parent_id"] for e in deleted} == {
        top["id"]: None,
        reply["id"]: top["id"],
    }
    reactions = await bus.published("post_reaction_deleted")
    assert sorted(
        (e.data["user_id"], e.data["type"], e.data["reason"]) for e in reactions
    ) == sorted([(users.alice.id, "LIKE", "post_deleted"), (users.bob.id, "SAD", "post_deleted")])
    assert await can_comment(client, users, post_id) == 404

    # A repeated delivery of the deletion changes nothing and emits nothing more.
    await delete_post(bus, post_id, users.carol)
    assert len(await bus.published("post_comment_deleted")) == 3
    assert len(await bus.published("post_reaction_deleted")) == 2
