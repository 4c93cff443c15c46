"""Reading, editing and deleting one post: visibility, ownership, the status state machine,
the ``post_updated`` / ``post_deleted`` events, and that a refused request changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from chassis.events import EventConsumer
from chassis.testing import ContractValidator, assert_error, outbox_rows, wait_until
from post_service.posts.models import Post
from post_service.settings import PostSettings
from tests.conftest import (
    API,
    User,
    administer,
    create_post,
    create_user,
    drain,
    produced,
    relay,
)


async def snapshot(post_id: str) -> dict[str, Any]:
    """Every stored column of the post, to show a refused request changed nothing."""
    [row] = await Post.filter(id=post_id).values()
    return row


# --- read ---------------------------------------------------------------------------------


async def test_posted_is_visible_to_anyone_signed_in(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann, bob = await create_user(auth), await create_user(auth)
    post = await create_post(client, ann)
    for user in (ann, bob):
        response = await client.get(f"{API}/posts/{post['id']}", headers=user.headers)
        assert response.status_code == 200
        assert response.json() == post
    anonymous = await client.get(f"{API}/posts/{post['id']}")
    assert_error(anonymous, 401, "unauthorized")


@pytest.mark.parametrize("status", ["DRAFT", "ARCHIVED"])
async def test_drafts_and_archived_are_the_authors_alone(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, status: str
) -> None:
    ann, bob = await create_user(auth), await create_user(auth)
    post = await create_post(client, ann, status=status)
    mine = await client.get(f"{API}/posts/{post['id']}", headers=ann.headers)
    assert mine.status_code == 200 and mine.json()["status"] == status
    theirs = await client.get(f"{API}/posts/{post['id']}", headers=bob.headers)
    assert_error(theirs, 404, "post_not_found")  # not 403: a hidden post does not leak


async def test_unknown_and_malformed_ids(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann = await create_user(auth)
    unknown = await client.get(
        f"{API}/posts/00000000-0000-4000-8000-000000000000", headers=ann.headers
    )
    assert_error(unknown, 404, "post_not_found")
    malformed = await client.get(f"{API}/posts/not-a-uuid", headers=ann.headers)
    assert_error(malformed, 422, "validation_error")


# --- update -------------------------------------------------------------------------------


async def test_author_updates_only_the_fields_sent(
    client: httpx.AsyncClient,
    auth: httpx.AsyncClient,
    redis: Redis,
    settings: PostSettings,
    contracts: ContractValidator,
) -> None:
    ann = await create_user(auth)
    post = await create_post(client, ann, title="Old", content="Body", categories=["ART"])
    response = await client.patch(
        f"{API}/posts/{post['id']}",
        json={"content": "New body", "categories": ["MUSIC", "ART"]},
        headers=ann.headers,
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["title"] == "Old"  # not sent, not changed
    assert updated["content"] == "New body"
    assert updated["categories"] == ["MUSIC", "ART"]
    assert updated["updated_at"] > post["updated_at"]
    assert updated["created_at"] == post["created_at"]
    row = await Post.get(id=post["id"])
    assert (row.title, row.content, row.categories) == ("Old", "New body", ["MUSIC", "ART"])

    [event] = produced(await relay(redis, settings, "post_updated"), contracts)
    assert event.data["changed"] == ["content", "categories"]
    assert event.data["previous_status"] == "POSTED"
    assert event.data["status"] == "POSTED"
    assert event.data["content"] == "New body"


async def test_title_can_be_cleared_but_other_fields_cannot_be_null(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann = await create_user(auth)
    post = await create_post(client, ann, title="Title")
    cleared = await client.patch(
        f"{API}/posts/{post['id']}", json={"title": None}, headers=ann.headers
    )
    assert cleared.status_code == 200 and cleared.json()["title"] is None
    for field in ("content", "categories", "status"):
        refused = await client.patch(
            f"{API}/posts/{post['id']}", json={field: None}, headers=ann.headers
        )
        assert_error(refused, 422, "validation_error")
    assert (await Post.get(id=post["id"])).title is None


async def test_an_update_that_changes_nothing_emits_nothing(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann = await create_user(auth)
    post = await create_post(client, ann, title="Same")
    for payload in ({}, {"title": "Same"}, {"status": "POSTED"}):
        response = await client.patch(
            f"{API}/posts/{post['id']}", json=payload, headers=ann.headers
        )
        assert response.status_code == 200
        assert response.json()["updated_at"] == post["updated_at"]
    assert await outbox_rows("post_updated") == []


@pytest.mark.parametrize(
    ("start", "target"),
    [("DRAFT", "POSTED"), ("DRAFT", "ARCHIVED"), ("POSTED", "ARCHIVED"), ("ARCHIVED", "POSTED")],
)
async def test_allowed_transitions(
    client: httpx.AsyncClient,
    auth: httpx.AsyncClient,
    redis: Redis,
    settings: PostSettings,
    contracts: ContractValidator,
    start: str,
    target: str,
) -> None:
    ann = await create_user(auth)
    post = await create_post(client, ann, status=start)
    response = await client.patch(
        f"{API}/posts/{post['id']}", json={"status": target}, headers=ann.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == target
    assert (await Post.get(id=post["id"])).status == target
    [event] = produced(await relay(redis, settings, "post_updated"), contracts)
    assert event.data["changed"] == ["status"]
    assert (event.data["previous_status"], event.data["status"]) == (start, target)


@pytest.mark.parametrize(("start", "target"), [("POSTED", "DRAFT"), ("ARCHIVED", "DRAFT")])
async def test_refused_transitions_are_409_and_change_nothing(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, start: str, target: str
) -> None:
    ann = await create_user(auth)
    post = await create_post(client, ann, status=start)
    before = await snapshot(post["id"])
    response = await client.patch(
        f"{API}/posts/{post['id']}",
        json={"status": target, "title": "Also renamed"},
        headers=ann.headers,
    )
    assert_error(response, 409, "invalid_transition")
    assert await snapshot(post["id"]) == before
    assert await outbox_rows("post_updated") == []


async def test_first_publication_puts_the_post_on_top_of_the_lists(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann = await create_user(auth)
    draft = await create_post(client, ann, status="DRAFT")
    later = await create_post(client, ann, status="POSTED")
    published = await client.patch(
        f"{API}/posts/{draft['id']}", json={"status": "POSTED"}, headers=ann.headers
    )
    assert published.json()["published_at"] == published.json()["updated_at"]
    listed = await client.get(f"{API}/posts", headers=ann.headers)
    assert [p["id"] for p in listed.json()["items"]] == [draft["id"], later["id"]]
    # Archiving and re-posting keeps the first publication time.
    for status in ("ARCHIVED", "POSTED"):
        again = await client.patch(
            f"{API}/posts/{draft['id']}", json={"status": status}, headers=ann.headers
        )
        assert again.json()["published_at"] == published.json()["published_at"]


async def test_another_user_can_neither_update_nor_delete(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann, bob = await create_user(auth), await create_user(auth)
    posted = await create_post(client, ann, status="POSTED")
    draft = await create_post(client, ann, status="DRAFT")
    before = {p["id"]: await snapshot(p["id"]) for p in (posted, draft)}

    # Visible to Bob but not his: 403. Not visible to him at all: 404.
    edit_posted = await client.patch(
        f"{API}/posts/{posted['id']}", json={"title": "Mine now"}, headers=bob.headers
    )
    assert_error(edit_posted, 403, "not_author")
    edit_draft = await client.patch(
        f"{API}/posts/{draft['id']}", json={"title": "Mine now"}, headers=bob.headers
    )
    assert_error(edit_draft, 404, "post_not_found")
    delete_posted = await client.delete(f"{API}/posts/{posted['id']}", headers=bob.headers)
    assert_error(delete_posted, 403, "forbidden")
    delete_draft = await client.delete(f"{API}/posts/{draft['id']}", headers=bob.headers)
    assert_error(delete_draft, 404, "post_not_found")

    for post_id, row in before.items():
        assert await snapshot(post_id) == row
    assert await outbox_rows("post_updated") == []
    assert await outbox_rows("post_deleted") == []


async def test_muted_author_cannot_edit_but_can_delete(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, admin: User, consumer: EventConsumer
) -> None:
    ann = await create_user(auth)
    post = await create_post(client, ann)  # Ann's identity is now cached as ACTIVE
    await administer(auth, admin, ann, status="MUTED")

    # Auth's user_updated event reaches this service and evicts the cached identity.
    async def refused() -> bool:
        await drain(consumer)
        response = await client.patch(
            f"{API}/posts/{post['id']}", json={"title": "x"}, headers=ann.headers
        )
        return response.status_code == 403 and response.json()["error"]["code"] == "account_muted"

    await wait_until(refused)
    assert (await Post.get(id=post["id"])).title == post["title"]
    deleted = await client.delete(f"{API}/posts/{post['id']}", headers=ann.headers)
    assert deleted.status_code == 204


# --- delete -------------------------------------------------------------------------------


async def test_author_deletes_their_post(
    client: httpx.AsyncClient,
    auth: httpx.AsyncClient,
    redis: Redis,
    settings: PostSettings,
    contracts: ContractValidator,
) -> None:
    ann = await create_user(auth)
    post = await create_post(client, ann, status="DRAFT", categories=["FOOD"])
    response = await client.delete(f"{API}/posts/{post['id']}", headers=ann.headers)
    assert response.status_code == 204 and response.content == b""
    assert not await Post.exists(id=post["id"])
    gone = await client.get(f"{API}/posts/{post['id']}", headers=ann.headers)
    assert_error(gone, 404, "post_not_found")
    again = await client.delete(f"{API}/posts/{post['id']}", headers=ann.headers)
    assert_error(again, 404, "post_not_found")
    [event] = produced(await relay(redis, settings, "post_deleted"), contracts)
    assert event.data == {
        "post_id": post["id"],
        "author_id": ann.id,
        "categories": ["FOOD"],
        "status": "DRAFT",
        "reason": "author",
    }


@pytest.mark.parametrize("role", ["moderator", "admin"])
async def test_staff_delete_any_post(
    client: httpx.AsyncClient,
    auth: httpx.AsyncClient,
    admin: User,
    redis: Redis,
    settings: PostSettings,
    contracts: ContractValidator,
    role: str,
) -> None:
    ann, staff = await create_user(auth), await create_user(auth)
    await administer(auth, admin, staff, role=role)
    posted = await create_post(client, ann, status="POSTED")
    draft = await create_post(client, ann, status="DRAFT")
    for post in (posted, draft):
        response = await client.delete(f"{API}/posts/{post['id']}", headers=staff.headers)
        assert response.status_code == 204
        assert not await Post.exists(id=post["id"])
    events = produced(await relay(redis, settings, "post_deleted"), contracts)
    assert [(e.data["post_id"], e.data["reason"]) for e in events] == [
        (posted["id"], role),
        (draft["id"], role),
    ]


async def test_staff_cannot_edit_someone_elses_post(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, admin: User
) -> None:
    ann = await create_user(auth)
    post = await create_post(client, ann)
    before = await snapshot(post["id"])
    response = await client.patch(
        f"{API}/posts/{post['id']}", json={"title": "Edited by staff"}, headers=admin.headers
    )
    assert_error(response, 403, "not_author")
    assert await snapshot(post["id"]) == before
