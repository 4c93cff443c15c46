"""Reading comments: lists (keyset, oldest first), replies, tombstones, one comment."""

from __future__ import annotations

import httpx

from chassis.testing import assert_error
from tests.conftest import API, Bus, Cast, comment, create_post, post_data

UNKNOWN = "00000000-0000-4000-8000-000000000000"


async def pages(client: httpx.AsyncClient, url: str, headers: dict[str, str], limit: int) -> list:
    """Every item of a paginated list, following the cursors."""
    items: list = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        response = await client.get(url, params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= limit
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


async def test_top_level_comments_oldest_first_with_reply_counts(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    first = await comment(client, users.alice, post_id, "first")
    second = await comment(client, users.bob, post_id, "second")
    third = await comment(client, users.alice, post_id, "third")
    for _ in range(3):
        await comment(client, users.bob, post_id, "reply", parent_id=first["id"])
    await comment(client, users.alice, post_id, "reply", parent_id=third["id"])

    items = await pages(client, f"{API}/posts/{post_id}/comments", users.bob.headers, limit=2)

    assert [c["id"] for c in items] == [first["id"], second["id"], third["id"]]
    assert [c["reply_count"] for c in items] == [3, 0, 1]
    assert items[1]["author"] == {"id": users.bob.id, "display_name": "Bob Builder"}
    assert all(c["parent"] is None for c in items)


async def test_replies_oldest_first_paginated(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    top = await comment(client, users.alice, post_id, "top")
    replies = [
        await comment(client, users.bob, post_id, f"reply {i}", parent_id=top["id"])
        for i in range(5)
    ]

    items = await pages(client, f"{API}/comments/{top['id']}/replies", users.alice.headers, 2)

    assert [r["id"] for r in items] == [r["id"] for r in replies]
    assert [r["content"] for r in items] == [f"reply {i}" for i in range(5)]
    assert all(r["parent"] == {"id": top["id"], "deleted": False} for r in items)
    # A reply has no replies of its own (one level of nesting).
    nested = await client.get(
        f"{API}/comments/{replies[0]['id']}/replies", headers=users.alice.headers
    )
    assert nested.status_code == 200 and nested.json() == {"items": [], "next_cursor": None}


async def test_a_deleted_comment_stays_as_a_tombstone_for_its_replies(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    with_replies = await comment(client, users.alice, post_id, "thread starter")
    alone = await comment(client, users.alice, post_id, "lonely")
    reply = await comment(client, users.bob, post_id, "still here", parent_id=with_replies["id"])
    gone_reply = await comment(client, users.bob, post_id, "gone", parent_id=with_replies["id"])
    for target, author in (
        (with_replies, users.alice),
        (alone, users.alice),
        (gone_reply, users.bob),
    ):
        deleted = await client.delete(f"{API}/comments/{target['id']}", headers=author.headers)
        assert deleted.status_code == 204

    listed = (await client.get(f"{API}/posts/{post_id}/comments", headers=users.bob.headers)).json()
    # The thread starter shows as a tombstone (it has a live reply); the lonely one is gone.
    assert listed["items"] == [
        {
            "id": with_replies["id"],
            "post_id": post_id,
            "parent": None,
            "author": None,
            "content": None,
            "deleted": True,
            "reply_count": 1,
            "created_at": with_replies["created_at"],
            "edited_at": None,
        }
    ]
    replies = (
        await client.get(f"{API}/comments/{with_replies['id']}/replies", headers=users.bob.headers)
    ).json()["items"]
    assert [r["id"] for r in replies] == [reply["id"]]
    assert replies[0]["parent"] == {"id": with_replies["id"], "deleted": True}
    assert replies[0]["content"] == "still here"

    one = await client.get(f"{API}/comments/{reply['id']}", headers=users.bob.headers)
    assert one.status_code == 200
    assert one.json()["parent"] == {"id": with_replies["id"], "deleted": True}
    tombstone = await client.get(f"{API}/comments/{alone['id']}", headers=users.bob.headers)
    assert tombstone.status_code == 200
    assert tombstone.json()["deleted"] is True and tombstone.json()["content"] is None


async def test_a_deleted_comment_cannot_be_replied_to(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    top = await comment(client, users.alice, post_id, "top")
    reply = await comment(client, users.bob, post_id, "reply", parent_id=top["id"])
    assert (
        await client.delete(f"{API}/comments/{top['id']}", headers=users.alice.headers)
    ).status_code == 204

    refused = await client.post(
        f"{API}/posts/{post_id}/comments",
        json={"content": "too late", "parent_id": top["id"]},
        headers=users.bob.headers,
    )
    assert_error(refused, 404, "parent_not_found")
    # Answering a live reply still joins the (tombstoned) thread.
    joined = await comment(client, users.carol, post_id, "joining", parent_id=reply["id"])
    assert joined["parent"] == {"id": top["id"], "deleted": True}


async def test_read_one_comment(client: httpx.AsyncClient, bus: Bus, users: Cast) -> None:
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.alice, post_id, "hello")

    response = await client.get(f"{API}/comments/{created['id']}", headers=users.bob.headers)

    assert response.status_code == 200
    assert response.json() == created
    assert_error(
        await client.get(f"{API}/comments/{UNKNOWN}", headers=users.bob.headers),
        404,
        "comment_not_found",
    )
    assert_error(await client.get(f"{API}/comments/{created['id']}"), 401)


async def test_comments_of_a_post_that_is_no_longer_posted_are_hidden(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.alice, post_id, "hello")
    data = post_data(post_id, users.carol.id, status="ARCHIVED")
    await bus.deliver(
        "post_updated",
        {**data, "changed": ["status"], "previous_status": "POSTED"},
        producer="post",
    )

    for url in (
        f"{API}/posts/{post_id}/comments",
        f"{API}/comments/{created['id']}",
        f"{API}/comments/{created['id']}/replies",
        f"{API}/comments/{created['id']}/nft",
    ):
        assert_error(await client.get(url, headers=users.alice.headers), 404, "post_not_found")
    assert_error(
        await client.patch(
            f"{API}/comments/{created['id']}", json={"content": "x"}, headers=users.alice.headers
        ),
        404,
        "post_not_found",
    )
