"""The walk-through of the issue's "done when", over real HTTP to the real auth service."""

from __future__ import annotations

import httpx

from moderation_service.moderations.models import Moderation, ModerationStatus
from tests.conftest import CLEAN, OFFENSIVE, Bus, Users, content_removed, post_created

API = "/api/v1"


async def test_done_when(bus: Bus, client: httpx.AsyncClient, users: Users) -> None:
    # Clean content is approved.
    clean = post_created(author_id=users.alice.id, content=CLEAN)
    await bus.deliver(clean)
    clean_case = await Moderation.get(content_id=clean.data["post_id"])
    assert clean_case.status == ModerationStatus.APPROVED

    # Offensive content: a removal request on events.content_removal_requested ...
    offensive = post_created(author_id=users.alice.id, content=OFFENSIVE)
    await bus.deliver(offensive)
    [request] = await bus.published("content_removal_requested")  # validated against its contract
    assert request.data["content_id"] == offensive.data["post_id"]
    # ... and the owning service's content_removed confirms it.
    await bus.deliver(content_removed(request))
    offensive_case = await Moderation.get(content_id=offensive.data["post_id"])
    assert offensive_case.status == ModerationStatus.DELETE_CONFIRMED

    # A user report puts the clean item in the queue ...
    report = await client.post(
        f"{API}/reports",
        json={"content_type": "POST", "content_id": clean.data["post_id"], "reason": "SPAM"},
        headers=users.bob.headers,
    )
    assert report.status_code == 201
    queue = await client.get(f"{API}/moderations", headers=users.moderator.headers)
    assert [i["id"] for i in queue.json()["items"]] == [str(clean_case.id)]

    # ... and a moderator's removal emits the request.
    removal = await client.post(
        f"{API}/moderations/{clean_case.id}/remove",
        json={"reason": "SPAM", "note": "Confirmed ad"},
        headers=users.moderator.headers,
    )
    assert removal.status_code == 200 and removal.json()["status"] == "DELETE_REQUESTED"
    requests = await bus.published("content_removal_requested")
    assert [r.data["content_id"] for r in requests] == [
        offensive.data["post_id"],
        clean.data["post_id"],
    ]
    assert requests[1].data["reason"] == "SPAM"
    queue = await client.get(f"{API}/moderations", headers=users.moderator.headers)
    assert queue.json()["items"] == []
