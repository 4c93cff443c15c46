"""Concurrent reactions against the app: counts stay exact and nobody gets a 500."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from interaction_service.reactions.models import Reaction
from tests.conftest import API, Bus, Cast, TestUser, create_post

TYPES = ["LIKE", "LOVE", "ANGRY", "SAD", "FUNNY", "JOY"]


async def test_200_users_reacting_at_once_leave_200_reactions(
    client: httpx.AsyncClient, bus: Bus, users: Cast, crowd: list[TestUser]
) -> None:
    post_id = await create_post(bus, users.carol)
    url = f"{API}/posts/{post_id}/reactions/me"

    responses = await asyncio.gather(
        *(
            client.put(url, json={"type": TYPES[i % len(TYPES)]}, headers=user.headers)
            for i, user in enumerate(crowd)
        )
    )

    assert Counter(r.status_code for r in responses) == {201: 200}, [
        r.text for r in responses if r.status_code != 201
    ]
    assert await Reaction.filter(post_id=post_id).count() == 200
    assert {str(r.user_id) for r in await Reaction.filter(post_id=post_id)} == {u.id for u in crowd}
    summary = (
        await client.get(f"{API}/posts/{post_id}/reactions/summary", headers=users.alice.headers)
    ).json()
    assert summary["total"] == 200
    assert summary["counts"] == {t: sum(1 for i in range(200) if TYPES[i % 6] == t) for t in TYPES}
    created = await bus.published("post_reaction_created")
    assert len(created) == 200
    assert {e.data["user_id"] for e in created} == {u.id for u in crowd}


async def test_one_user_firing_50_puts_leaves_one_reaction_and_one_created_event(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    url = f"{API}/posts/{post_id}/reactions/me"

    responses = await asyncio.gather(
        *(
            client.put(url, json={"type": TYPES[i % len(TYPES)]}, headers=users.alice.headers)
            for i in range(50)
        )
    )

    assert Counter(r.status_code for r in responses) == {201: 1, 200: 49}, [
        r.text for r in responses if r.status_code not in (200, 201)
    ]
    [row] = await Reaction.filter(post_id=post_id)
    assert str(row.user_id) == users.alice.id
    assert len({r.json()["id"] for r in responses}) == 1
    [created] = await bus.published("post_reaction_created")
    assert created.data["reaction_id"] == str(row.id)
    # The changes form one chain from the created type to the final one: none lost, none
    # invented, each emitted only when the type really changed.
    chain = [created.data["type"]]
    for event in await bus.published("post_reaction_updated"):
        assert event.data["previous_type"] == chain[-1] != event.data["type"]
        chain.append(event.data["type"])
    assert chain[-1] == row.type.value


async def test_racing_post_requests_give_one_201_and_409s(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    url = f"{API}/posts/{post_id}/reactions"

    responses = await asyncio.gather(
        *(client.post(url, json={"type": "LIKE"}, headers=users.bob.headers) for _ in range(20))
    )

    assert Counter(r.status_code for r in responses) == {201: 1, 409: 19}
    assert await Reaction.filter(post_id=post_id).count() == 1
    assert len(await bus.published("post_reaction_created")) == 1
