"""The live stream's reader, caps and token checks, over real HTTP (uvicorn), real Redis and the
real auth service."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis

from chassis.service import create_app
from chassis.testing import (
    ContractValidator,
    LiveServer,
    RedisServer,
    ServiceProcess,
    assert_error,
    read_events,
    wait_until,
)
from engagement_service.core.context import EngagementContext
from engagement_service.core.service import build_definition
from engagement_service.notifications.delivery import stream_key
from engagement_service.notifications.live import READER_CLIENT_NAME, StreamSlots, slots_key
from engagement_service.settings import EngagementSettings
from tests import events as ev
from tests.conftest import API, PASSWORD, Bus, User, create_user, create_users
from tests.notifications.sse_client import SSE, refused, served, sse


async def notify(redis: Redis, user: User, marker: str | None = None) -> str:
    """An entry on the user's stream, as the delivery relay writes one; returns its id."""
    data = json.dumps({"ids": [marker or str(uuid.uuid4())]})
    entry_id = await redis.xadd(stream_key(user.id), {"event": "notification_read", "data": data})
    return entry_id.decode()


@asynccontextmanager
async def flowing(redis: Redis, user: User) -> AsyncIterator[list[str]]:
    """Notifications keep arriving for ``user``, one every 50 ms, while inside."""
    produced: list[str] = []

    async def produce() -> None:
        while True:
            produced.append(await notify(redis, user))
            await asyncio.sleep(0.05)

    task = asyncio.create_task(produce())
    try:
        yield produced
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def still_flowing(produced: list[str]) -> None:
    count = len(produced)

    async def more() -> bool:
        return len(produced) > count

    await wait_until(more)


async def second_session(auth: httpx.AsyncClient, user: User) -> User:
    """The same user signed in again (another device): another session, another token."""
    tokens = await auth.post(f"{API}/auth/signin", json={"email": user.email, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    return dataclasses.replace(user, access_token=tokens.json()["access_token"])


async def slot_members(redis: Redis, user: User) -> set[str]:
    return {m.decode() for m in await redis.zrange(slots_key(user.id), 0, -1)}


async def clients_on_test_db(redis: Redis) -> list[dict[str, Any]]:
    db = str(redis.connection_pool.connection_kwargs.get("db", 0))
    return [c for c in await redis.client_list() if str(c.get("db")) == db]


# --- 4: the heartbeat -----------------------------------------------------------------------


async def test_an_idle_stream_gets_the_default_heartbeat_and_stays_open(
    app: FastAPI,
    auth: httpx.AsyncClient,
    bus: Bus,
    redis: Redis,
    ctx: EngagementContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The defaults, not the suite's short ones: a 15 s heartbeat, and a reader that blocks
    # 10 s at a time (longer than redis-py's default 5 s socket timeout).
    defaults = EngagementSettings.model_fields
    for name in ("sse_heartbeat_seconds", "sse_slot_ttl_seconds"):
        monkeypatch.setattr(ctx.settings, name, defaults[name].default)
    assert ctx.settings.sse_heartbeat_seconds == 15.0
    (ann,) = await create_users(auth, bus, "Ann")
    async with served(app) as server, sse(server, ann, timeout=40) as stream:
        blocks = []
        while True:
            block = await stream.next(timeout=30)
            assert block is not None, f"stream closed after {blocks}"
            blocks.append(block)
            if "heartbeat" in block.comments:
                break
        # Nothing but comments came first (no `error` event): FastAPI's own `: ping` may.
        assert all(b.event is None and b.data is None for b in blocks), blocks
        # Still open and live after the idle stretch.
        entry = await notify(redis, ann, "after-the-heartbeat")
        event = await stream.next_event()
        assert (event.id, event.event, event.json) == (
            entry,
            "notification_read",
            {"ids": ["after-the-heartbeat"]},
        )


# --- 5: the token, checked whatever the traffic ----------------------------------------------


async def test_signing_out_ends_a_busy_stream(
    app: FastAPI,
    auth: httpx.AsyncClient,
    bus: Bus,
    redis: Redis,
    ctx: EngagementContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ctx.settings, "sse_token_recheck_seconds", 1.0)
    (ann,) = await create_users(auth, bus, "Ann")
    async with served(app) as server, sse(server, ann) as stream, flowing(redis, ann) as produced:
        first = await stream.next_event()
        assert first.event == "notification_read"
        signout = await auth.post(f"{API}/auth/signout", headers=ann.headers)
        assert signout.status_code == 204

        before, error = await stream.until_end()
        assert error.json == {"code": "unauthorized"}
        assert all(e.event == "notification_read" for e in before)
        await still_flowing(produced)  # it ended while notifications kept coming
    await wait_until(lambda: _no_slots(redis, ann))


async def test_a_token_revoked_without_any_event_is_refused_at_the_next_periodic_check(
    app: FastAPI,
    auth: httpx.AsyncClient,
    auth_service: ServiceProcess,
    bus: Bus,
    redis: Redis,
    ctx: EngagementContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The wall-clock re-check alone: the session is revoked in auth's own database, so no
    user_tokens_revoked is announced (as if this process had missed it)."""
    monkeypatch.setattr(ctx.settings, "sse_token_recheck_seconds", 0.5)
    monkeypatch.setattr(app.state.token_verifier, "cache_seconds", 0.5)
    (ann,) = await create_users(auth, bus, "Ann")
    async with served(app) as server, sse(server, ann) as stream, flowing(redis, ann) as produced:
        assert (await stream.next_event()).event == "notification_read"
        conn = await asyncpg.connect(auth_service.env["AUTH_DATABASE_URL"])
        try:
            revoked = await conn.execute(
                "UPDATE auth_session SET revoked_at = now(), revoked_reason = 'signout' "
                "WHERE user_id = $1 AND revoked_at IS NULL",
                ann.uuid,
            )
        finally:
            await conn.close()
        assert revoked == "UPDATE 1"
        verify = await auth.get(f"{API}/auth/verify-token", headers=ann.headers)
        assert verify.status_code == 401

        before, error = await stream.until_end()
        assert error.json == {"code": "unauthorized"}
        assert before, "notifications were flowing"
        await still_flowing(produced)
    assert await read_events(redis, "user_tokens_revoked") == []  # no event played a part


async def test_user_tokens_revoked_ends_that_sessions_streams_at_once(
    app: FastAPI,
    auth: httpx.AsyncClient,
    bus: Bus,
    redis: Redis,
    ctx: EngagementContext,
    contracts: ContractValidator,
) -> None:
    # The periodic check is 30 s away and this service's consumer does not run (nothing is
    # drained, so nothing evicted the cached identity): only the announcement can end it.
    assert ctx.settings.sse_token_recheck_seconds == 30.0
    (ann,) = await create_users(auth, bus, "Ann")
    phone = await second_session(auth, ann)
    async with (
        served(app) as server,
        sse(server, ann) as laptop_stream,
        sse(server, phone) as phone_stream,
    ):
        signout = await auth.post(f"{API}/auth/signout", headers=ann.headers)
        assert signout.status_code == 204

        before, error = await laptop_stream.until_end()
        assert (before, error.json) == ([], {"code": "unauthorized"})

        # The phone's session was not signed out: its stream goes on.
        entry = await notify(redis, ann, "for-the-phone")
        event = await phone_stream.next_event()
        assert (event.id, event.json) == (entry, {"ids": ["for-the-phone"]})
        await wait_until(lambda: _slot_count(redis, ann, 1))  # the laptop's slot is free

    [revocation] = await read_events(redis, "user_tokens_revoked")
    contracts.validate(revocation)
    assert revocation.data["user_id"] == ann.id and revocation.data["session_id"] is not None


# --- 6: caps and the shared reader ------------------------------------------------------------


async def test_a_sixth_stream_of_one_user_is_refused_and_the_five_keep_working(
    app: FastAPI, auth: httpx.AsyncClient, bus: Bus, redis: Redis
) -> None:
    (ann,) = await create_users(auth, bus, "Ann")
    async with served(app) as server, AsyncExitStack() as stack:
        streams = [await stack.enter_async_context(sse(server, ann)) for _ in range(4)]
        async with sse(server, ann) as fifth:
            response = await refused(server, ann)
            assert_error(response, 429, "too_many_streams")
            assert 1 <= int(response.headers["retry-after"]) <= 4  # at most the slot TTL
            assert await redis.zcard(slots_key(ann.id)) == 5

            entry = await notify(redis, ann)
            for stream in [*streams, fifth]:
                assert (await stream.next_event()).id == entry

        # The fifth disconnected: its slot is free again, and only one.
        await wait_until(lambda: _slot_count(redis, ann, 4))
        async with sse(server, ann) as again:
            assert_error(await refused(server, ann), 429, "too_many_streams")
            entry = await notify(redis, ann)
            assert (await again.next_event()).id == entry


async def test_slots_count_across_processes_and_a_killed_processs_slots_expire(
    app: FastAPI, auth: httpx.AsyncClient, bus: Bus, redis: Redis, ctx: EngagementContext
) -> None:
    (ann,) = await create_users(auth, bus, "Ann")
    # Another replica's bookkeeping, in the same Redis: it holds three of Ann's streams...
    other = StreamSlots(redis, settings=ctx.settings)
    for n in range(3):
        taken, _, _ = await other.acquire(ann.id, f"other-{n}", cap=5)
        assert taken
    async with served(app) as server, sse(server, ann) as one, sse(server, ann) as two:
        assert_error(await refused(server, ann), 429, "too_many_streams")

        # ... and is killed: its slots are never refreshed nor released. Within the slot TTL
        # (4 s here) they stop counting; this process's own, refreshed meanwhile, still do.
        async def accepted() -> bool:
            async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
                async with http.stream(
                    "GET", f"{API}/notifications/stream", headers=ann.headers
                ) as response:
                    if response.status_code == 429:
                        return False
                    assert response.status_code == 200
                    return True

        await wait_until(accepted, timeout=15, interval=0.5)
        await wait_until(lambda: _slot_count(redis, ann, 2))
        assert not any(m.startswith("other-") for m in await slot_members(redis, ann))
        assert 0 < await redis.pttl(slots_key(ann.id)) <= 8000  # the key dies with its slots
        entry = await notify(redis, ann)
        assert (await one.next_event()).id == entry and (await two.next_event()).id == entry


async def test_a_process_holding_its_cap_of_streams_refuses_more(
    app: FastAPI,
    auth: httpx.AsyncClient,
    bus: Bus,
    redis: Redis,
    ctx: EngagementContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ctx.settings, "sse_max_streams_per_process", 3)
    ann, ben, cat = await create_users(auth, bus, "Ann", "Ben", "Cat")
    async with served(app) as server, sse(server, ann), sse(server, ann):
        async with sse(server, ben):
            response = await refused(server, cat)
            assert_error(response, 503, "stream_capacity")
            assert int(response.headers["retry-after"]) >= 1
            assert await redis.zcard(slots_key(cat.id)) == 0  # nothing counted for Cat

        # Ben's stream ended: there is room for Cat.
        await wait_until(lambda: _slot_count(redis, ben, 0))
        async with sse(server, cat) as stream:
            entry = await notify(redis, cat)
            assert (await stream.next_event()).id == entry


async def test_twenty_streams_share_one_redis_reader_and_each_gets_only_its_own(
    app: FastAPI, auth: httpx.AsyncClient, bus: Bus, redis: Redis
) -> None:
    users = await create_users(auth, bus, "Ann", "Ben", "Cat", "Dan")
    (eve,) = await create_users(auth, bus, "Eve")
    posts = {u.id: ev.new_id() for u in users}
    for user in users:
        await bus.publish("post_created", ev.post(posts[user.id], user.id))
    await bus.drain()

    async with served(app) as server, AsyncExitStack() as stack:
        streams: list[tuple[User, SSE]] = [
            (users[0], await stack.enter_async_context(sse(server, users[0])))
        ]
        before = len(await clients_on_test_db(redis))
        for user in users:
            for _ in range(5 if user is not users[0] else 4):
                streams.append((user, await stack.enter_async_context(sse(server, user))))
        assert len(streams) == 20

        # 20 open streams: one reader connection blocked in XREAD, and no pool growing with them.
        clients = await clients_on_test_db(redis)
        assert [c["name"] for c in clients if c.get("cmd") == "xread"] == [READER_CLIENT_NAME]
        assert len(clients) - before <= 2, clients

        # Eve reacts to each one's post: every stream gets its own user's notification.
        for user in users:
            await bus.publish(
                "post_reaction_created", ev.reaction(ev.new_id(), posts[user.id], user.id, eve.id)
            )
        await bus.drain()
        for user, stream in streams:
            event = await stream.next_event()
            assert (event.event, event.json["post_id"]) == ("notification", posts[user.id])

        # And never another's: each stream's next event is its own user's marker, though the
        # others' were written first.
        for user in reversed(users):
            await notify(redis, user, marker=user.id)
        for user, stream in streams:
            assert (await stream.next_event()).json == {"ids": [user.id]}


async def test_two_streams_of_one_user_each_resume_from_their_own_position(
    app: FastAPI, auth: httpx.AsyncClient, bus: Bus, redis: Redis
) -> None:
    (ann,) = await create_users(auth, bus, "Ann")
    ids = [await notify(redis, ann) for _ in range(3)]
    async with (
        served(app) as server,
        sse(server, ann) as live,
        sse(server, ann, last_event_id=ids[0]) as resumed,
    ):
        assert [(await resumed.next_event()).id for _ in range(2)] == ids[1:]
        new = await notify(redis, ann)
        assert (await live.next_event()).id == new
        assert (await resumed.next_event()).id == new


async def test_streams_dropped_as_soon_as_opened_free_their_slots(
    app: FastAPI, auth: httpx.AsyncClient, bus: Bus, redis: Redis, ctx: EngagementContext
) -> None:
    (ann,) = await create_users(auth, bus, "Ann")
    async with served(app) as server:
        for round_ in range(6):
            async with AsyncExitStack() as stack:
                for _ in range(5):
                    if round_ % 2:
                        await stack.enter_async_context(sse(server, ann))  # after `connected`
                    else:  # before reading a byte of the body
                        http = await stack.enter_async_context(
                            httpx.AsyncClient(base_url=server.url, timeout=10)
                        )
                        response = await stack.enter_async_context(
                            http.stream("GET", f"{API}/notifications/stream", headers=ann.headers)
                        )
                        assert response.status_code == 200
                assert_error(await refused(server, ann), 429, "too_many_streams")
            # All five dropped: every slot is freed, in Redis and in the process.
            await wait_until(lambda: _slot_count(redis, ann, 0))
            await wait_until(lambda: _as_awaitable(ctx.live.open_count == 0))

        # With no stream left the reader stops (and holds no connection).
        await wait_until(lambda: _as_awaitable(not ctx.live.reader_running))

        async def reader_disconnected() -> bool:
            clients = await clients_on_test_db(redis)
            return not [c for c in clients if c["name"] == READER_CLIENT_NAME]

        await wait_until(reader_disconnected)
        async with sse(server, ann) as stream:
            entry = await notify(redis, ann)
            assert (await stream.next_event()).id == entry


async def test_a_redis_outage_ends_the_streams_with_an_error_and_the_reader_recovers(
    migrated_database: str, settings: EngagementSettings, auth: httpx.AsyncClient
) -> None:
    ann = await create_user(auth, first_name="Ann")
    with RedisServer() as private:
        definition = build_definition(
            settings.model_copy(update={"redis_url": private.url, "sse_redis_grace_seconds": 0.5})
        )
        app = create_app(definition)
        async with app.router.lifespan_context(app), LiveServer(app, lifespan="off") as server:
            context: EngagementContext = app.state.resources.context
            live = context.live
            redis = Redis.from_url(private.url)
            try:
                async with sse(server, ann) as stream:
                    entry = await notify(redis, ann)
                    assert (await stream.next_event()).id == entry
                    private.kill()
                    before, error = await stream.until_end()
                    assert (before, error.json) == ([], {"code": "service_unavailable"})

                # The reader gave up and stopped: it does not spin on a dead Redis.
                await wait_until(lambda: _as_awaitable(not live.reader_running))
                assert live.open_count == 0
                assert_error(await refused(server, ann), 503, "service_unavailable")

                private.start()
                await redis.aclose()
                redis = Redis.from_url(private.url)
                async with sse(server, ann) as stream:
                    entry = await notify(redis, ann)
                    assert (await stream.next_event()).id == entry
            finally:
                await redis.aclose()


async def _no_slots(redis: Redis, user: User) -> bool:
    return await redis.zcard(slots_key(user.id)) == 0


async def _slot_count(redis: Redis, user: User, count: int) -> bool:
    return await redis.zcard(slots_key(user.id)) == count


async def _as_awaitable(value: bool) -> bool:
    return value
