"""The walk-through of the issue, end to end: sign in at auth, draft, publish, list and search,
a connection's feed, the NFT record, update, an interaction event moving the counters, delete."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import httpx
from redis.asyncio import Redis

from chassis.events import EventConsumer
from chassis.testing import ContractValidator, wait_until
from post_service.settings import PostSettings
from tests.conftest import API, create_user, drain, produced, publish, relay


async def test_flow(
    client: httpx.AsyncClient,
    auth: httpx.AsyncClient,
    consumer: EventConsumer,
    redis: Redis,
    settings: PostSettings,
    contracts: ContractValidator,
) -> None:
    ann = await create_user(auth, first_name="Ann")
    bob = await create_user(auth, first_name="Bob")

    draft = await client.post(
        f"{API}/posts",
        json={
            "title": "Tide pools",
            "content": "Anemones and crabs.",
            "categories": ["SCIENCE"],
            "status": "DRAFT",
        },
        headers=ann.headers,
    )
    assert draft.status_code == 201
    post_id = draft.json()["id"]
    published = await client.patch(
        f"{API}/posts/{post_id}", json={"status": "POSTED"}, headers=ann.headers
    )
    assert published.json()["status"] == "POSTED"

    listed = await client.get(f"{API}/posts", headers=bob.headers)
    assert [p["id"] for p in listed.json()["items"]] == [post_id]
    found = await client.get(f"{API}/posts", params={"q": "crabs"}, headers=bob.headers)
    assert [p["id"] for p in found.json()["items"]] == [post_id]

    assert (
        await auth.post(f"{API}/users/{ann.id}/connect", headers=bob.headers)
    ).status_code == 201

    async def in_feed() -> bool:
        await drain(consumer)
        feed = await client.get(f"{API}/posts/feed", headers=bob.headers)
        return [p["id"] for p in feed.json()["items"]] == [post_id]

    await wait_until(in_feed)

    nft = await client.get(f"{API}/posts/{post_id}/nft", headers=bob.headers)
    assert nft.json()["token_uri"].startswith("ipfs://bafkrei")

    updated = await client.patch(
        f"{API}/posts/{post_id}",
        json={"content": "Anemones, crabs and a starfish."},
        headers=ann.headers,
    )
    assert updated.status_code == 200
    new_nft = await client.get(f"{API}/posts/{post_id}/nft", headers=bob.headers)
    assert new_nft.json()["cid"] != nft.json()["cid"]

    await publish(
        redis,
        contracts,
        "post_reaction_created",
        {
            "reaction_id": str(uuid.uuid4()),
            "post_id": post_id,
            "post_author_id": ann.id,
            "categories": ["SCIENCE"],
            "user_id": bob.id,
            "type": "LOVE",
            "created_at": datetime.now(timezone.utc).isoformat(),
        },
        producer="interaction",
    )
    await drain(consumer)
    read = await client.get(f"{API}/posts/{post_id}", headers=bob.headers)
    assert read.json()["total_reactions"] == 1

    assert (await client.delete(f"{API}/posts/{post_id}", headers=ann.headers)).status_code == 204
    assert (await client.get(f"{API}/posts/{post_id}", headers=bob.headers)).status_code == 404

    types = ["post_created", "post_updated", "post_deleted"]
    emitted = {t: produced(await relay(redis, settings, t), contracts) for t in types}
    assert [len(emitted[t]) for t in types] == [1, 2, 1]
    assert [e.data["changed"] for e in emitted["post_updated"]] == [["status"], ["content"]]
