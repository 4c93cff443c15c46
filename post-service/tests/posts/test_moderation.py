"""``content_removal_requested`` for posts: hidden (404 for others, 410 for the author),
announced with ``post_deleted`` and confirmed with ``content_removed``."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from redis.asyncio import Redis

from chassis.events import EventConsumer
from chassis.testing import ContractValidator, assert_error, outbox_rows
from post_service.nft.models import PostNFT
from post_service.posts.models import Post
from post_service.settings import PostSettings
from tests.conftest import API, create_post, create_user, drain, produced, publish, relay


def removal(content_id: str, author_id: str, content_type: str = "POST") -> dict[str, Any]:
    return {
        "moderation_id": str(uuid.uuid4()),
        "content_type": content_type,
        "content_id": content_id,
        "author_id": author_id,
        "reason": "SPAM",
    }


async def test_a_removed_post_is_hidden_and_the_case_is_confirmed(
    client: httpx.AsyncClient,
    auth: httpx.AsyncClient,
    consumer: EventConsumer,
    redis: Redis,
    settings: PostSettings,
    contracts: ContractValidator,
) -> None:
    ann, bob = await create_user(auth), await create_user(auth)
    post = await create_post(client, ann, categories=["NEWS"])
    request = await publish(
        redis,
        contracts,
        "content_removal_requested",
        removal(post["id"], ann.id),
        producer="moderation",
    )
    await drain(consumer)

    row = await Post.get(id=post["id"])
    assert row.removed_at is not None and row.removal_reason == "SPAM"
    mine = await client.get(f"{API}/posts/{post['id']}", headers=ann.headers)
    assert_error(mine, 410, "removed_by_moderation")
    assert "SPAM" in mine.json()["error"]["message"]
    theirs = await client.get(f"{API}/posts/{post['id']}", headers=bob.headers)
    assert_error(theirs, 404, "post_not_found")
    assert_error(
        await client.get(f"{API}/posts/{post['id']}/nft", headers=bob.headers),
        404,
        "post_not_found",
    )
    assert_error(
        await client.patch(f"{API}/posts/{post['id']}", json={"title": "x"}, headers=ann.headers),
        410,
        "removed_by_moderation",
    )
    for user in (ann, bob):
        listed = await client.get(f"{API}/posts", headers=user.headers)
        assert listed.json()["items"] == []
    assert not await PostNFT.exists(post_id=post["id"])

    [deleted] = produced(await relay(redis, settings, "post_deleted"), contracts)
    assert deleted.data["reason"] == "moderation" and deleted.data["post_id"] == post["id"]
    [confirmed] = produced(await relay(redis, settings, "content_removed"), contracts)
    assert confirmed.data == {
        "moderation_id": request.data["moderation_id"],
        "content_type": "POST",
        "content_id": post["id"],
        "author_id": ann.id,
        "post_id": post["id"],
        "reason": "SPAM",
        "already_gone": False,
    }

    # A second request for the same post: confirmed as already gone, nothing announced again.
    await publish(
        redis,
        contracts,
        "content_removal_requested",
        removal(post["id"], ann.id),
        producer="moderation",
    )
    await drain(consumer)
    assert len(await outbox_rows("post_deleted")) == 1
    rows = await outbox_rows("content_removed")
    assert [r.data["already_gone"] for r in rows] == [False, True]

    # The author may still clean it up; that is not announced a second time.
    cleaned = await client.delete(f"{API}/posts/{post['id']}", headers=ann.headers)
    assert cleaned.status_code == 204
    assert not await Post.exists(id=post["id"])
    assert len(await outbox_rows("post_deleted")) == 1


async def test_removal_of_a_post_that_no_longer_exists_still_closes_the_case(
    consumer: EventConsumer,
    redis: Redis,
    settings: PostSettings,
    contracts: ContractValidator,
) -> None:
    post_id, author_id = str(uuid.uuid4()), str(uuid.uuid4())
    await publish(
        redis,
        contracts,
        "content_removal_requested",
        removal(post_id, author_id),
        producer="moderation",
    )
    await drain(consumer)
    [confirmed] = produced(await relay(redis, settings, "content_removed"), contracts)
    assert confirmed.data["already_gone"] is True
    assert (confirmed.data["content_id"], confirmed.data["author_id"]) == (post_id, author_id)
    assert await outbox_rows("post_deleted") == []


async def test_comment_removals_are_left_to_the_interaction_service(
    client: httpx.AsyncClient,
    auth: httpx.AsyncClient,
    consumer: EventConsumer,
    redis: Redis,
    contracts: ContractValidator,
) -> None:
    ann = await create_user(auth)
    post = await create_post(client, ann)
    await publish(
        redis,
        contracts,
        "content_removal_requested",
        removal(post["id"], ann.id, content_type="COMMENT"),
        producer="moderation",
    )
    await drain(consumer)
    assert (await Post.get(id=post["id"])).removed_at is None
    assert await outbox_rows("content_removed") == []
    assert await outbox_rows("post_deleted") == []
