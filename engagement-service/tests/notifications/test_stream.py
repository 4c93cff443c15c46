"""The live stream over real HTTP: the app served by uvicorn (LiveServer), read with a real
streaming client line by line, through the chassis middleware."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from redis.asyncio import Redis

from chassis.events.models import ProcessedEvent
from chassis.testing import assert_error
from engagement_service.notifications.delivery import stream_key
from tests import events as ev
from tests.conftest import API, Bus, User, create_users, stream_entries
from tests.notifications.sse_client import served, sse


async def react(bus: Bus, post_id: str, owner: User, user: User) -> None:
    await bus.publish("post_reaction_created", ev.reaction(ev.new_id(), post_id, owner.id, user.id))


async def test_a_new_notification_reaches_a_connected_client(
    app: FastAPI, auth: httpx.AsyncClient, bus: Bus, redis: Redis
) -> None:
    ann, ben, cat = await create_users(auth, bus, "Ann", "Ben", "Cat")
    post_id = ev.new_id()
    await bus.publish("post_created", ev.post(post_id, ann.id))
    await bus.drain()
    async with served(app) as server, sse(server, ann) as stream:
        await react(bus, post_id, ann, ben)
        await bus.drain()  # the consumer commits, then the relay XADDs
        first = await stream.next_event()
        assert first.event == "notification"
        assert first.json["message"] == "Ben User reacted to your post"
        # The SSE id is the entry id on Ann's Redis stream.
        entries = await stream_entries(redis, ann.id)
        assert first.id == entries[-1][0]

        # The group grows: the same notification is delivered again, updated.
        await react(bus, post_id, ann, cat)
        await bus.drain()
        second = await stream.next_event()
        assert (second.json["id"], second.json["actor_count"]) == (first.json["id"], 2)

        # Whatever process writes to Ann's Redis stream reaches her connection.
        await redis.xadd(stream_key(ann.id), {"event": "notification_read", "data": '{"all":true}'})
        third = await stream.next_event()
        assert (third.event, third.json) == ("notification_read", {"all": True})


async def test_reconnecting_with_last_event_id_replays_what_was_missed(
    client: httpx.AsyncClient, app: FastAPI, auth: httpx.AsyncClient, bus: Bus, redis: Redis
) -> None:
    ann, *others = await create_users(auth, bus, "Ann", "Ben", "Cat", "Dan")
    posts = [ev.new_id() for _ in others]
    for post_id in posts:
        await bus.publish("post_created", ev.post(post_id, ann.id))
    for post_id, user in zip(posts, others, strict=True):
        await react(bus, post_id, ann, user)
    await bus.drain()
    entries = await stream_entries(redis, ann.id)
    assert len(entries) == 3

    async with served(app) as server:
        # Resume after the first: the two others come, in order, with their ids.
        async with sse(server, ann, last_event_id=entries[0][0]) as stream:
            replayed = [await stream.next_event() for _ in range(2)]
            assert [e.id for e in replayed] == [entries[1][0], entries[2][0]]
            assert [e.json["actors"][0]["id"] for e in replayed] == [others[1].id, others[2].id]

        # A fresh connection (no Last-Event-ID) starts from now: only the next one arrives.
        async with sse(server, ann) as stream:
            await react(bus, ev.new_id(), ann, others[0])  # a post not known yet: still counts
            await bus.drain()
            live = await stream.next_event()
            assert live.id == (await stream_entries(redis, ann.id))[-1][0]

    # A Last-Event-ID that is not a stream id is refused before the stream starts.
    for bad in ("abc", "1-2-3", "99999999999999999999-0", "1-", "$", "-1-0"):
        response = await client.get(
            f"{API}/notifications/stream", headers={**ann.headers, "Last-Event-ID": bad}
        )
        assert_error(response, 422, None)


async def test_heartbeats_and_a_revoked_token_ends_the_stream(
    app: FastAPI, auth: httpx.AsyncClient, bus: Bus
) -> None:
    (ann,) = await create_users(auth, bus, "Ann")
    async with served(app) as server, sse(server, ann) as stream:
        beat = await stream.next()
        assert beat is not None and beat.comments == ["heartbeat"] and beat.event is None

        # Ann signs out at auth; its user_tokens_revoked evicts the cached identity here.
        signout = await auth.post(f"{API}/auth/signout", headers=ann.headers)
        assert signout.status_code == 204
        await bus.until(_revoked)

        while True:
            event = await stream.next()
            assert event is not None
            if event.event is not None:
                break
        assert (event.event, event.json) == ("error", {"code": "unauthorized"})
        assert await stream.next() is None  # the server closed the stream


async def _revoked() -> bool:
    """The revocation was consumed (so the cached identity is gone), not merely published."""
    return await ProcessedEvent.filter(event_type="user_tokens_revoked").exists()
