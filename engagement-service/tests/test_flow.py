"""The seed's flow with the service's real workers running in-process (consumer loop, delivery
relay, scheduler), nothing driven by hand: users and connections from the real auth service,
posts, comments and reactions as their services publish them."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI
from redis.asyncio import Redis

from chassis.service import ServiceDefinition, Workers
from chassis.testing import ContractValidator, LiveServer, wait_until
from tests import events as ev
from tests.conftest import API, Bus, connect, create_user, validated_handlers
from tests.notifications.test_stream import sse


async def test_seed_flow_end_to_end(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: httpx.AsyncClient,
    redis: Redis,
    contracts: ContractValidator,
    service_definition: ServiceDefinition,
) -> None:
    workers = Workers(service_definition, app.state.resources)
    assert workers.consumer is not None
    # The workers' own consumer, each envelope checked against its contract on the way in.
    workers.consumer.handlers = validated_handlers(
        service_definition, app.state.resources, contracts
    )
    await workers.start()
    bus = Bus(redis=redis, consumer=workers.consumer, relay=None, contracts=contracts)  # type: ignore[arg-type]
    try:
        ann = await create_user(auth, first_name="Ann", interests=["MUSIC"])
        ben = await create_user(auth, first_name="Ben")
        cat = await create_user(auth, first_name="Cat", interests=["MUSIC"])
        await connect(auth, ann, ben)
        await connect(auth, ann, cat)

        async def profile_of(user: Any, viewer: Any) -> dict[str, Any] | None:
            response = await client.get(
                f"{API}/users/{user.id}/activity-profile", headers=viewer.headers
            )
            return response.json() if response.status_code == 200 else None

        async def ann_connected() -> bool:
            found = await profile_of(ann, ben)
            return bool(found and found["connections"] == 2)

        await wait_until(ann_connected)

        async with LiveServer(app, lifespan="off") as server, sse(server, ann) as stream:
            post_id = ev.new_id()
            await bus.publish("post_created", ev.post(post_id, ann.id, categories=["MUSIC"]))
            await bus.publish(
                "post_comment_created",
                ev.comment(ev.new_id(), post_id, ann.id, ben.id, content="Love it"),
            )
            await bus.publish(
                "post_reaction_created",
                ev.reaction(ev.new_id(), post_id, ann.id, ben.id, type="LOVE"),
            )

            # Live over SSE: both notifications, delivered by the workers.
            received = [await asyncio.wait_for(stream.next_event(), 10) for _ in range(2)]
            assert sorted(e.json["message"] for e in received) == [
                "Ben User commented on your post",
                "Ben User reacted to your post",
            ]

        async def counted() -> dict[str, Any] | None:
            response = await client.get(f"{API}/me/activity-profile", headers=ann.headers)
            body: dict[str, Any] = response.json()
            done = (body["posts_published"], body["comments_received"], body["reactions_received"])
            return body if done == (1, 1, 1) else None

        mine = await wait_until(counted)
        assert mine["reactions_received_by_type"]["LOVE"] == 1
        assert mine["connections"] == 2
        assert mine["interests"][0]["category"] == "MUSIC"

        # Ben sees Ann's other connection as someone he may know.
        recommended = await client.get(f"{API}/recommendations/connections", headers=ben.headers)
        assert [(r["user"]["id"], r["reasons"]) for r in recommended.json()["items"]] == [
            (cat.id, ["1 mutual connection"])
        ]
        listed = await client.get(f"{API}/notifications", headers=ann.headers)
        assert {n["type"] for n in listed.json()["items"]} == {
            "POST_COMMENT_RECEIVED",
            "POST_REACTION_RECEIVED",
        }
    finally:
        await workers.stop()
