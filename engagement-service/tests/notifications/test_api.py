"""The recipient's API: keyset pages, unread filter and count, read marks, deletion, and that
nobody can touch someone else's notifications."""

from __future__ import annotations

import uuid

import httpx
from redis.asyncio import Redis

from chassis.clock import FrozenClock
from chassis.testing import assert_error
from engagement_service.notifications.models import Notification
from tests import events as ev
from tests.conftest import API, Bus, User, create_users, stream_entries


async def notify_ann(bus: Bus, ann: User, others: list[User], clock: FrozenClock) -> None:
    """One comment notice per other user, a minute apart."""
    post_id = ev.new_id()
    await bus.publish("post_created", ev.post(post_id, ann.id))
    for user in others:
        await bus.publish("post_comment_created", ev.comment(ev.new_id(), post_id, ann.id, user.id))
        await bus.drain()
        clock.advance(minutes=1)


async def test_pages_filter_count_read_and_delete(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus, clock: FrozenClock, redis: Redis
) -> None:
    ann, *others = await create_users(auth, bus, "Ann", "Ben", "Cat", "Dan", "Eve", "Fay")
    await notify_ann(bus, ann, others, clock)
    h = ann.headers

    # Keyset pages, newest first, no repeats and no gaps.
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(f"{API}/notifications", headers=h, params=params)).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [n["actors"][0]["first_name"] for n in seen] == ["Fay", "Eve", "Dan", "Cat", "Ben"]
    assert (await client.get(f"{API}/notifications/unread-count", headers=h)).json() == {
        "unread": 5
    }

    # Read one: the unread filter and count follow; reading again is fine.
    first = seen[0]["id"]
    for _ in range(2):
        read = await client.post(f"{API}/notifications/{first}/read", headers=h)
        assert read.status_code == 200 and read.json()["read_at"] is not None
    unread = (await client.get(f"{API}/notifications", headers=h, params={"unread": True})).json()
    assert [n["id"] for n in unread["items"]] == [n["id"] for n in seen[1:]]
    only_read = (
        await client.get(f"{API}/notifications", headers=h, params={"unread": False})
    ).json()
    assert [n["id"] for n in only_read["items"]] == [first]
    assert (await client.get(f"{API}/notifications/unread-count", headers=h)).json() == {
        "unread": 4
    }

    # Read all.
    marked = await client.post(f"{API}/notifications/read-all", headers=h)
    assert (marked.status_code, marked.json()) == (200, {"marked": 4})
    assert (await client.post(f"{API}/notifications/read-all", headers=h)).json() == {"marked": 0}
    assert await Notification.filter(user_id=ann.id, read_at__isnull=True).count() == 0

    # Delete one.
    deleted = await client.delete(f"{API}/notifications/{first}", headers=h)
    assert deleted.status_code == 204
    assert not await Notification.filter(id=first).exists()
    assert_error(
        await client.delete(f"{API}/notifications/{first}", headers=h),
        404,
        "notification_not_found",
    )

    # Each change went to Ann's live stream after commit.
    await bus.drain()
    events = [(e[1], e[2]) for e in (await stream_entries(redis, ann.id))[-3:]]
    assert events[0] == ("notification_read", {"ids": [first]})
    assert events[1][0] == "notification_read" and events[1][1]["all"] is True
    assert events[2] == ("notification_removed", {"id": first})


async def test_nobody_can_read_mark_or_delete_anothers_notifications(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus, clock: FrozenClock
) -> None:
    ann, ben = await create_users(auth, bus, "Ann", "Ben")
    await notify_ann(bus, ann, [ben], clock)
    (notice,) = await Notification.filter(user_id=ann.id)
    nid = notice.id

    # Ben, even though he caused it, sees nothing of Ann's and gets 404 for each action.
    assert (await client.get(f"{API}/notifications", headers=ben.headers)).json()["items"] == []
    assert (await client.get(f"{API}/notifications/unread-count", headers=ben.headers)).json() == {
        "unread": 0
    }
    assert_error(
        await client.post(f"{API}/notifications/{nid}/read", headers=ben.headers),
        404,
        "notification_not_found",
    )
    assert_error(
        await client.delete(f"{API}/notifications/{nid}", headers=ben.headers),
        404,
        "notification_not_found",
    )
    read_all = await client.post(f"{API}/notifications/read-all", headers=ben.headers)
    assert read_all.json() == {"marked": 0}
    # Nothing changed for Ann.
    await notice.refresh_from_db()
    assert notice.read_at is None

    # Without a token, or with a bad one: 401. A malformed id: 422. Unknown id: 404.
    for method, path in (
        ("GET", "/notifications"),
        ("GET", "/notifications/unread-count"),
        ("POST", f"/notifications/{nid}/read"),
        ("DELETE", f"/notifications/{nid}"),
        ("POST", "/notifications/read-all"),
        ("GET", "/notifications/stream"),
    ):
        assert_error(await client.request(method, API + path), 401, "unauthorized")
    bad = {"Authorization": "Bearer not-a-token"}
    assert_error(await client.get(f"{API}/notifications", headers=bad), 401)
    assert_error(await client.post(f"{API}/notifications/nope/read", headers=ann.headers), 422)
    assert_error(
        await client.post(f"{API}/notifications/{uuid.uuid4()}/read", headers=ann.headers), 404
    )
    assert await Notification.filter(user_id=ann.id, read_at__isnull=True).count() == 1


async def test_list_rejects_bad_paging(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, bus: Bus, clock: FrozenClock
) -> None:
    (ann,) = await create_users(auth, bus, "Ann")
    h = ann.headers
    for params in ({"limit": 0}, {"limit": 101}, {"limit": 10**30}, {"unread": "maybe"}):
        assert_error(await client.get(f"{API}/notifications", headers=h, params=params), 422)
    for params in ({"cursor": "!!!"}, {"cursor": "WyJ4Il0"}):
        response = await client.get(f"{API}/notifications", headers=h, params=params)
        assert_error(response, 400, "invalid_cursor")
    clock.advance(seconds=1)
    assert (await client.get(f"{API}/notifications", headers=h)).json() == {
        "items": [],
        "next_cursor": None,
    }
