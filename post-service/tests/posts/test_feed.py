"""The home feed, built from real ``user_connected`` / ``user_disconnected`` events: two real
users connect over the auth service's HTTP API, its relay publishes the events, and this
service's consumer applies them."""

from __future__ import annotations

from typing import Any

import httpx

from chassis.events import EventConsumer
from chassis.testing import assert_error, wait_until
from post_service.authors.models import Author, Connection
from tests.conftest import API, User, create_post, create_user, drain


async def feed_ids(client: httpx.AsyncClient, user: User, **params: Any) -> list[str]:
    response = await client.get(f"{API}/posts/feed", params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    return [p["id"] for p in response.json()["items"]]


async def connect(auth: httpx.AsyncClient, user: User, other: User) -> None:
    response = await auth.post(f"{API}/users/{other.id}/connect", headers=user.headers)
    assert response.status_code == 201, response.text


async def disconnect(auth: httpx.AsyncClient, user: User, other: User) -> None:
    response = await auth.delete(f"{API}/users/{other.id}/disconnect", headers=user.headers)
    assert response.status_code == 204, response.text


async def connected(consumer: EventConsumer, user: User, other: User, state: bool) -> bool:
    await drain(consumer)
    row = await Connection.get_or_none(user_id=user.id, other_id=other.id)
    return row is not None and row.connected is state


async def test_feed_follows_real_connect_and_disconnect_events(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, consumer: EventConsumer
) -> None:
    ann, bob, cat = [await create_user(auth, first_name=n) for n in ("Ann", "Bob", "Cat")]
    ann_posted = await create_post(client, ann, status="POSTED")
    ann_draft = await create_post(client, ann, status="DRAFT")
    ann_archived = await create_post(client, ann, status="ARCHIVED")
    cat_posted = await create_post(client, cat, status="POSTED")
    bob_own = await create_post(client, bob, status="POSTED")
    assert await feed_ids(client, bob) == []

    await connect(auth, ann, bob)  # Ann connects to Bob: the connection goes both ways
    await wait_until(lambda: connected(consumer, bob, ann, True))
    assert (await Connection.get(user_id=ann.id, other_id=bob.id)).connected

    feed = await feed_ids(client, bob)
    assert feed == [ann_posted["id"]]  # not her draft or archived post, not Cat's, not his own
    assert ann_draft["id"] not in feed and ann_archived["id"] not in feed
    assert cat_posted["id"] not in feed and bob_own["id"] not in feed
    assert await feed_ids(client, ann) == [bob_own["id"]]
    # The connection totals came with the events.
    assert (await Author.get(id=ann.id)).total_connections == 1
    assert (await Author.get(id=bob.id)).total_connections == 1

    # Publishing the draft puts it in Bob's feed, on top.
    await client.patch(
        f"{API}/posts/{ann_draft['id']}", json={"status": "POSTED"}, headers=ann.headers
    )
    assert await feed_ids(client, bob) == [ann_draft["id"], ann_posted["id"]]

    await disconnect(auth, bob, ann)
    await wait_until(lambda: connected(consumer, bob, ann, False))
    assert await feed_ids(client, bob) == []
    assert (await Author.get(id=bob.id)).total_connections == 0


async def test_feed_pages_merge_several_connections(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, consumer: EventConsumer
) -> None:
    reader = await create_user(auth, first_name="Reader")
    friends = [await create_user(auth, first_name=f"Friend{i}") for i in range(3)]
    for friend in friends:
        await connect(auth, friend, reader)
    for friend in friends:
        await wait_until(lambda f=friend: connected(consumer, reader, f, True))  # type: ignore[misc]
    posts = []
    for round_ in range(4):
        for friend in friends:
            posts.append((await create_post(client, friend, content=f"{round_}"))["id"])

    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        response = await client.get(f"{API}/posts/feed", params=params, headers=reader.headers)
        assert response.status_code == 200
        page = response.json()
        assert len(page["items"]) <= 5
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(posts))


async def test_feed_needs_a_token(client: httpx.AsyncClient) -> None:
    assert_error(await client.get(f"{API}/posts/feed"), 401, "unauthorized")
