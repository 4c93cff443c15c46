"""Moderation's removal requests (content_removal_requested) for comments."""

from __future__ import annotations

import uuid

import httpx

from chassis.events import stream_for
from chassis.testing import outbox_rows
from interaction_service.comments.models import Comment
from tests.conftest import API, Bus, Cast, comment, create_post


def removal(content_id: str, author_id: str, *, content_type: str = "COMMENT") -> dict:
    return {
        "moderation_id": str(uuid.uuid4()),
        "content_type": content_type,
        "content_id": content_id,
        "author_id": author_id,
        "reason": "OFFENSIVE_CONTENT",
    }


async def test_a_live_comment_is_removed_and_confirmed(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol, categories=["POLITICS"])
    top = await comment(client, users.alice, post_id, "fine")
    bad = await comment(client, users.bob, post_id, "offensive", parent_id=top["id"])
    request = removal(bad["id"], users.bob.id)

    await bus.deliver("content_removal_requested", request, producer="moderation")

    row = await Comment.get(id=bad["id"])
    assert row.deleted_at is not None and row.content is None
    assert row.deleted_reason is not None and row.deleted_reason.value == "moderation"
    assert (await Comment.get(id=top["id"])).reply_count == 0
    [deleted] = await bus.published("post_comment_deleted")
    assert deleted.data == {
        "comment_id": bad["id"],
        "post_id": post_id,
        "post_author_id": users.carol.id,
        "categories": ["POLITICS"],
        "author_id": users.bob.id,
        "parent_id": top["id"],
        "reason": "moderation",
    }
    [removed] = await bus.published("content_removed")
    assert removed.data == {
        "moderation_id": request["moderation_id"],
        "content_type": "COMMENT",
        "content_id": bad["id"],
        "author_id": users.bob.id,
        "post_id": post_id,
        "reason": "OFFENSIVE_CONTENT",
        "already_gone": False,
    }
    # The deletion is written before its confirmation, in the same transaction.
    [deleted_row] = await outbox_rows("post_comment_deleted")
    [removed_row] = await outbox_rows("content_removed")
    assert deleted_row.id < removed_row.id


async def test_an_already_deleted_comment_is_confirmed_as_already_gone(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.bob, post_id, "regret")
    assert (
        await client.delete(f"{API}/comments/{created['id']}", headers=users.bob.headers)
    ).status_code == 204

    await bus.deliver(
        "content_removal_requested", removal(created["id"], users.bob.id), producer="moderation"
    )

    assert (await Comment.get(id=created["id"])).deleted_reason.value == "author"
    assert [e.data["reason"] for e in await bus.published("post_comment_deleted")] == ["author"]
    [removed] = await bus.published("content_removed")
    assert removed.data["already_gone"] is True and removed.data["post_id"] == post_id


async def test_an_unknown_comment_is_confirmed_as_already_gone(bus: Bus, users: Cast) -> None:
    content_id = str(uuid.uuid4())
    await bus.deliver(
        "content_removal_requested", removal(content_id, users.bob.id), producer="moderation"
    )
    assert await bus.published("post_comment_deleted") == []
    [removed] = await bus.published("content_removed")
    assert removed.data["content_id"] == content_id
    assert removed.data["author_id"] == users.bob.id
    assert removed.data["post_id"] is None and removed.data["already_gone"] is True


async def test_posts_are_not_ours_to_remove(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    await comment(client, users.alice, post_id)
    await bus.deliver(
        "content_removal_requested",
        removal(post_id, users.carol.id, content_type="POST"),
        producer="moderation",
    )
    assert await outbox_rows("content_removed") == []
    assert await Comment.filter(post_id=post_id, deleted_at__isnull=True).count() == 1


async def test_a_redelivered_request_has_one_effect(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.bob, post_id, "spam")
    envelope = await bus.deliver(
        "content_removal_requested", removal(created["id"], users.bob.id), producer="moderation"
    )
    # The same envelope (same event_id) arrives again.
    await bus.redis.xadd(stream_for(envelope.type), envelope.to_fields())  # type: ignore[arg-type]
    await bus.drain()

    assert len(await bus.published("post_comment_deleted")) == 1
    assert len(await bus.published("content_removed")) == 1
