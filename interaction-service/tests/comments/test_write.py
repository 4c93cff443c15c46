"""Adding, editing and deleting comments: every success and refusal, with the DB and events."""

from __future__ import annotations

import hashlib
import json
import uuid

import httpx
import pytest
from redis.asyncio import Redis

from chassis.testing import assert_error, outbox_rows
from interaction_service.comments.models import Comment, CommentNFT
from interaction_service.core.context import InteractionContext
from interaction_service.settings import InteractionSettings
from tests.conftest import API, Bus, Cast, comment, create_post

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def comments_url(post_id: str) -> str:
    return f"{API}/posts/{post_id}/comments"


# --- create -----------------------------------------------------------------------------------


async def test_comment_on_a_posted_post(client: httpx.AsyncClient, bus: Bus, users: Cast) -> None:
    post_id = await create_post(bus, users.carol, categories=["MUSIC", "ART"])

    response = await client.post(
        comments_url(post_id), json={"content": "  Lovely tune \n"}, headers=users.alice.headers
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["post_id"] == post_id
    assert body["content"] == "Lovely tune"
    assert body["author"] == {"id": users.alice.id, "display_name": "Alice Liddell"}
    assert body["parent"] is None
    assert body["deleted"] is False and body["reply_count"] == 0 and body["edited_at"] is None
    row = await Comment.get(id=body["id"])
    assert (str(row.post_id), str(row.author_id), row.content) == (
        post_id,
        users.alice.id,
        "Lovely tune",
    )
    [event] = await bus.published("post_comment_created")
    assert event.data == {
        "comment_id": body["id"],
        "post_id": post_id,
        "post_author_id": users.carol.id,
        "categories": ["MUSIC", "ART"],
        "author_id": users.alice.id,
        "parent_id": None,
        "content": "Lovely tune",
        "created_at": event.data["created_at"],
    }


async def test_replies_nest_one_level(client: httpx.AsyncClient, bus: Bus, users: Cast) -> None:
    post_id = await create_post(bus, users.carol)
    top = await comment(client, users.alice, post_id, "Top")
    reply = await comment(client, users.bob, post_id, "Reply", parent_id=top["id"])
    # A reply to a reply joins the top-level comment's thread.
    nested = await comment(client, users.carol, post_id, "Reply to reply", parent_id=reply["id"])

    assert reply["parent"] == {"id": top["id"], "deleted": False}
    assert nested["parent"] == {"id": top["id"], "deleted": False}
    assert (await Comment.get(id=top["id"])).reply_count == 2
    assert (await Comment.get(id=reply["id"])).reply_count == 0
    events = await bus.published("post_comment_created")
    assert [e.data["parent_id"] for e in events] == [None, top["id"], top["id"]]
    assert [e.data["author_id"] for e in events] == [users.alice.id, users.bob.id, users.carol.id]


async def test_parent_must_be_a_live_comment_of_the_same_post(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    other_post = await create_post(bus, users.carol)
    elsewhere = await comment(client, users.alice, other_post, "On the other post")
    deleted = await comment(client, users.alice, post_id, "Soon gone")
    assert (
        await client.delete(f"{API}/comments/{deleted['id']}", headers=users.alice.headers)
    ).status_code == 204

    for parent_id in (elsewhere["id"], deleted["id"], UNKNOWN):
        response = await client.post(
            comments_url(post_id),
            json={"content": "reply", "parent_id": parent_id},
            headers=users.bob.headers,
        )
        assert_error(response, 404, "parent_not_found")
    assert await Comment.filter(author_id=users.bob.id).count() == 0
    assert (await Comment.get(id=elsewhere["id"])).reply_count == 0
    assert len(await outbox_rows("post_comment_created")) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"content": ""},
        {"content": "   \n\t "},
        {"content": "x" * 5001},
        {"content": "bell \x07 character"},
        {"content": "evil \u202e gnp.exe"},
        {"content": "a\u2066b\u2069"},
        {"content": "zero\u200bwidth"},
        {"content": "\ufeffbom"},
        {"content": "\u3164\u2800"},
        {"content": "ok", "parent_id": "not-a-uuid"},
        {"content": "ok", "author_id": UNKNOWN},
        {"content": None},
        {"content": 42},
        {},
    ],
    ids=[
        "empty",
        "blank",
        "too-long",
        "control-char",
        "bidi-override",
        "bidi-isolate",
        "zero-width-space",
        "byte-order-mark",
        "renders-as-nothing",
        "bad-parent",
        "unknown-field",
        "null",
        "number",
        "missing",
    ],
)
async def test_invalid_comment_bodies_are_422(
    client: httpx.AsyncClient, bus: Bus, users: Cast, body: dict[str, object]
) -> None:
    post_id = await create_post(bus, users.carol)
    response = await client.post(comments_url(post_id), json=body, headers=users.alice.headers)
    assert_error(response, 422, "validation_error")
    assert await Comment.all().count() == 0
    assert await outbox_rows("post_comment_created") == []


async def test_joiners_that_writing_needs_are_kept(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    text = "می\u200cخواهم 👩\u200d💻\nline two"  # noqa: RUF001 (Persian on purpose)
    created = await comment(client, users.alice, post_id, text)
    assert created["content"] == text
    assert (await Comment.get(id=created["id"])).content == text


async def test_the_longest_comment_fits(client: httpx.AsyncClient, bus: Bus, users: Cast) -> None:
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.alice, post_id, "é" * 5000)
    assert created["content"] == "é" * 5000
    [event] = await bus.published("post_comment_created")
    assert event.data["content"] == "é" * 5000


@pytest.mark.parametrize("status", ["DRAFT", "ARCHIVED"])
async def test_only_posted_posts_take_comments(
    client: httpx.AsyncClient, bus: Bus, users: Cast, status: str
) -> None:
    post_id = await create_post(bus, users.carol, status=status)
    response = await client.post(
        comments_url(post_id), json={"content": "hi"}, headers=users.alice.headers
    )
    assert_error(response, 404, "post_not_found")
    assert await Comment.all().count() == 0


async def test_muted_accounts_cannot_comment(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    response = await client.post(
        comments_url(post_id), json={"content": "hi"}, headers=users.muted.headers
    )
    assert_error(response, 403, "account_muted")
    assert await Comment.all().count() == 0
    assert await outbox_rows("post_comment_created") == []


async def test_a_banned_identity_still_cached_cannot_comment(
    client: httpx.AsyncClient, bus: Bus, users: Cast, redis: Redis
) -> None:
    """A token verified just before its ban stays cached for a few seconds: still refused."""
    post_id = await create_post(bus, users.carol)
    token = "token-verified-just-before-the-ban"
    identity = {"id": str(uuid.uuid4()), "role": "user", "status": "BANNED"}
    digest = hashlib.sha256(token.encode()).hexdigest()
    await redis.set(f"tokencache:token:{digest}", json.dumps(identity), px=60_000)

    response = await client.post(
        comments_url(post_id), json={"content": "hi"}, headers={"Authorization": f"Bearer {token}"}
    )

    assert_error(response, 403, "account_banned")
    assert await Comment.all().count() == 0


async def test_comments_are_rate_limited_per_user(
    client: httpx.AsyncClient,
    bus: Bus,
    users: Cast,
    settings: InteractionSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "comments_per_user", (2, 60))
    post_id = await create_post(bus, users.carol)
    await comment(client, users.alice, post_id, "one")
    await comment(client, users.alice, post_id, "two")

    response = await client.post(
        comments_url(post_id), json={"content": "three"}, headers=users.alice.headers
    )

    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert await Comment.filter(author_id=users.alice.id).count() == 2
    # The limit is per user: Bob still may.
    await comment(client, users.bob, post_id, "mine")


async def test_no_token_is_401(client: httpx.AsyncClient, bus: Bus, users: Cast) -> None:
    post_id = await create_post(bus, users.carol)
    assert_error(await client.post(comments_url(post_id), json={"content": "hi"}), 401)
    bad = {"Authorization": "Bearer not-a-token"}
    assert_error(await client.post(comments_url(post_id), json={"content": "hi"}, headers=bad), 401)
    assert await Comment.all().count() == 0


# --- edit -------------------------------------------------------------------------------------


async def test_the_author_edits(client: httpx.AsyncClient, bus: Bus, users: Cast) -> None:
    post_id = await create_post(bus, users.carol, categories=["FOOD"])
    created = await comment(client, users.alice, post_id, "Frist")

    response = await client.patch(
        f"{API}/comments/{created['id']}", json={"content": "First"}, headers=users.alice.headers
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["content"] == "First" and body["edited_at"] is not None
    row = await Comment.get(id=created["id"])
    assert row.content == "First" and row.edited_at is not None
    [event] = await bus.published("post_comment_updated")
    assert event.data["comment_id"] == created["id"]
    assert event.data["content"] == "First"
    assert event.data["categories"] == ["FOOD"]
    assert event.data["post_author_id"] == users.carol.id
    assert event.data["edited_at"] == row.edited_at.isoformat()


async def test_an_edit_that_changes_nothing_emits_nothing(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.alice, post_id, "Same")
    url = f"{API}/comments/{created['id']}"
    for body in ({"content": "Same"}, {}):
        response = await client.patch(url, json=body, headers=users.alice.headers)
        assert response.status_code == 200
        assert response.json()["edited_at"] is None
    assert await outbox_rows("post_comment_updated") == []
    assert_error(await client.patch(url, json={"content": None}, headers=users.alice.headers), 422)


async def test_b_cannot_edit_a_comment_of_a(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.alice, post_id, "Alice's words")
    url = f"{API}/comments/{created['id']}"
    # Not even the post's author or an admin may edit someone else's words.
    for editor in (users.bob, users.carol, users.admin):
        response = await client.patch(url, json={"content": "Hijacked"}, headers=editor.headers)
        assert_error(response, 403, "not_comment_author")
    row = await Comment.get(id=created["id"])
    assert row.content == "Alice's words" and row.edited_at is None
    assert await outbox_rows("post_comment_updated") == []


async def test_a_muted_author_cannot_edit(
    client: httpx.AsyncClient, bus: Bus, users: Cast, ctx: InteractionContext
) -> None:
    """Written before the account was muted; the words stay as they were."""
    post_id = await create_post(bus, users.carol)
    written = await Comment.create(
        id=uuid.uuid4(),
        post_id=post_id,
        author_id=users.muted.id,
        content="Before the mute",
        created_at=ctx.now(),
    )
    response = await client.patch(
        f"{API}/comments/{written.id}", json={"content": "After"}, headers=users.muted.headers
    )
    assert_error(response, 403, "account_muted")
    assert (await Comment.get(id=written.id)).content == "Before the mute"
    assert await outbox_rows("post_comment_updated") == []


async def test_edit_of_unknown_or_deleted_comment_is_404(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.alice, post_id)
    url = f"{API}/comments/{created['id']}"
    assert (await client.delete(url, headers=users.alice.headers)).status_code == 204

    for target in (url, f"{API}/comments/{UNKNOWN}"):
        response = await client.patch(target, json={"content": "x"}, headers=users.alice.headers)
        assert_error(response, 404, "comment_not_found")
    assert await outbox_rows("post_comment_updated") == []


# --- delete -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deleter", "reason"),
    [("alice", "author"), ("carol", "post_author"), ("moderator", "moderator"), ("admin", "admin")],
)
async def test_who_may_delete_and_the_reason_they_give(
    client: httpx.AsyncClient, bus: Bus, users: Cast, deleter: str, reason: str
) -> None:
    post_id = await create_post(bus, users.carol, categories=["NEWS"])
    created = await comment(client, users.alice, post_id, "To be deleted")

    response = await client.delete(
        f"{API}/comments/{created['id']}", headers=getattr(users, deleter).headers
    )

    assert response.status_code == 204, response.text
    assert response.content == b""
    row = await Comment.get(id=created["id"])
    assert row.deleted_at is not None and row.content is None
    assert row.deleted_reason is not None and row.deleted_reason.value == reason
    assert not await CommentNFT.filter(comment_id=created["id"]).exists()
    [event] = await bus.published("post_comment_deleted")
    assert event.data == {
        "comment_id": created["id"],
        "post_id": post_id,
        "post_author_id": users.carol.id,
        "categories": ["NEWS"],
        "author_id": users.alice.id,
        "parent_id": None,
        "reason": reason,
    }


async def test_others_cannot_delete(client: httpx.AsyncClient, bus: Bus, users: Cast) -> None:
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.alice, post_id, "Mine")

    response = await client.delete(f"{API}/comments/{created['id']}", headers=users.bob.headers)

    assert_error(response, 403, "not_allowed")
    row = await Comment.get(id=created["id"])
    assert row.deleted_at is None and row.content == "Mine"
    assert await outbox_rows("post_comment_deleted") == []


async def test_delete_of_unknown_or_deleted_comment_is_404(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.alice, post_id)
    url = f"{API}/comments/{created['id']}"
    assert (await client.delete(url, headers=users.alice.headers)).status_code == 204

    assert_error(await client.delete(url, headers=users.alice.headers), 404, "comment_not_found")
    assert_error(
        await client.delete(f"{API}/comments/{UNKNOWN}", headers=users.admin.headers),
        404,
        "comment_not_found",
    )
    assert len(await outbox_rows("post_comment_deleted")) == 1


async def test_deleting_a_reply_updates_the_count(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    top = await comment(client, users.alice, post_id, "Top")
    reply = await comment(client, users.bob, post_id, "Reply", parent_id=top["id"])
    assert (await Comment.get(id=top["id"])).reply_count == 1

    response = await client.delete(f"{API}/comments/{reply['id']}", headers=users.bob.headers)

    assert response.status_code == 204
    assert (await Comment.get(id=top["id"])).reply_count == 0
    [event] = await bus.published("post_comment_deleted")
    assert event.data["parent_id"] == top["id"] and event.data["reason"] == "author"
