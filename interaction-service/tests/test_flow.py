"""The issue's walk-through over HTTP, with every event checked on its stream and contract:
comment -> reply -> react -> change the reaction -> view twice (counted once) -> delete."""

from __future__ import annotations

import httpx

from chassis.events import Envelope
from tests.conftest import API, Bus, Cast, create_post

PRODUCED = [
    "post_comment_created",
    "post_comment_updated",
    "post_comment_deleted",
    "post_reaction_created",
    "post_reaction_updated",
    "post_reaction_deleted",
    "post_viewed",
]


async def test_the_walk_through(client: httpx.AsyncClient, bus: Bus, users: Cast) -> None:
    post_id = await create_post(bus, users.carol, categories=["MUSIC"])
    alice, bob = users.alice.headers, users.bob.headers

    top = await client.post(
        f"{API}/posts/{post_id}/comments", json={"content": "Great track"}, headers=alice
    )
    assert top.status_code == 201
    reply = await client.post(
        f"{API}/posts/{post_id}/comments",
        json={"content": "Agreed", "parent_id": top.json()["id"]},
        headers=bob,
    )
    assert reply.status_code == 201
    react = await client.put(
        f"{API}/posts/{post_id}/reactions/me", json={"type": "LIKE"}, headers=bob
    )
    assert react.status_code == 201
    change = await client.put(
        f"{API}/posts/{post_id}/reactions/me", json={"type": "LOVE"}, headers=bob
    )
    assert change.status_code == 200
    views = [await client.post(f"{API}/posts/{post_id}/views", headers=bob) for _ in range(2)]
    assert [v.json()["counted"] for v in views] == [True, False]
    delete = await client.delete(f"{API}/comments/{reply.json()['id']}", headers=bob)
    assert delete.status_code == 204

    published: dict[str, list[Envelope]] = {t: await bus.published(t) for t in PRODUCED}
    assert {t: len(events) for t, events in published.items()} == {
        "post_comment_created": 2,
        "post_comment_updated": 0,
        "post_comment_deleted": 1,
        "post_reaction_created": 1,
        "post_reaction_updated": 1,
        "post_reaction_deleted": 0,
        "post_viewed": 1,
    }
    # Every event names the post, its author and its categories, for the post's counters.
    for events in published.values():
        for event in events:
            assert event.data["post_id"] == post_id
            assert event.data["post_author_id"] == users.carol.id
            assert event.data["categories"] == ["MUSIC"]
    assert published["post_reaction_updated"][0].data["previous_type"] == "LIKE"
    assert published["post_comment_deleted"][0].data["reason"] == "author"

    summary = await client.get(f"{API}/posts/{post_id}/reactions/summary", headers=alice)
    assert summary.json()["total"] == 1 and summary.json()["counts"]["LOVE"] == 1
    listed = await client.get(f"{API}/posts/{post_id}/comments", headers=alice)
    assert [(c["id"], c["reply_count"]) for c in listed.json()["items"]] == [(top.json()["id"], 0)]
    seen = await client.get(f"{API}/posts/{post_id}/views/summary", headers=alice)
    assert seen.json() == {"post_id": post_id, "unique_viewers": 1, "counted_views": 1}
